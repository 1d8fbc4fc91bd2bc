"""Make README's screenshots: the HTML report of a small baseline ensemble, and the dashboard
with the Great Leap Forward switched off. Run by `make screenshots`; writes PNGs to the folder
given (default docs/images). Uses Debian's Chromium through Playwright, offline.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import expect

import angang
from angang.dashboard.browser import chromium, dashboard_server
from angang.report.html import build
from angang.scenario import load_scenario

GLF = "great-leap-forward-1958"
EVENTS = len(load_scenario("baseline").events)
#: events on with the Leap off (the loader drops those presupposing it too)
WITHOUT_LEAP = len(load_scenario("no-great-leap").events)


def report_shot(folder: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        run_dir = Path(tmp) / "baseline"
        angang.run("baseline", runs=16, seed=1, scale=0.3, out=run_dir)
        page_path = build(run_dir)
        with chromium() as browser:
            page = browser.new_page()
            page.goto(page_path.as_uri())
            page.set_viewport_size({"width": 1100, "height": 900})
            top = page.locator("h2", has_text="Narrative").bounding_box()["y"]
            page.screenshot(path=str(folder / "report.png"), full_page=True,
                            clip={"x": 0, "y": top - 10, "width": 1100, "height": 900})
            page.locator("#figure-2").screenshot(path=str(folder / "report-angang.png"))
            page.locator("#figure-3").screenshot(path=str(folder / "report-map.png"))


def dashboard_shots(folder: Path) -> None:
    with dashboard_server() as url, chromium() as browser:
        page = browser.new_page()
        page.set_default_timeout(180_000)
        page.goto(url)
        page.get_by_role("button", name="Timeline").click()
        page.get_by_label("Filter events").fill("great-leap")
        expect(page.locator(".angang-events .v-input")).to_have_count(1)
        page.locator(".v-input", has_text=GLF).locator(
            ".v-input--selection-controls__ripple").click()
        page.get_by_text(f"{WITHOUT_LEAP} of {EVENTS} events on").wait_for()
        page.get_by_label("Filter events").fill("")
        page.wait_for_timeout(1500)
        page.screenshot(path=str(folder / "dashboard-timeline.png"))
        page.get_by_role("button", name="Figures").click()
        page.get_by_role("button", name="Run ensemble").click()
        page.locator(".angang-headlines").wait_for()
        page.wait_for_timeout(1000)
        page.screenshot(path=str(folder / "dashboard.png"))
        page.locator(".angang-map").scroll_into_view_if_needed()
        slider = page.locator(".v-input", has_text="Map year").get_by_role("slider")
        slider.focus()
        for _ in range(26):  # 1952 -> 1978
            slider.press("ArrowRight")
        page.locator(".angang-map", has_text="1978").wait_for()
        page.locator(".angang-map").screenshot(path=str(folder / "dashboard-map.png"))


def main() -> None:
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/images")
    folder.mkdir(parents=True, exist_ok=True)
    report_shot(folder)
    dashboard_shots(folder)
    for name in (
        "report.png",
        "report-angang.png",
        "report-map.png",
        "dashboard.png",
        "dashboard-timeline.png",
        "dashboard-map.png",
    ):
        print(folder / name)


if __name__ == "__main__":
    main()
