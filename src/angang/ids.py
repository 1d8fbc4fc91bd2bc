"""Fixed entity ids that users, scenarios and documentation rely on.

These ids appear in scenario files, in the ``entity`` column of every result and in the
documentation; they are part of angang's public interface and must not be renamed.
"""

from __future__ import annotations

NATION = "china"

#: The six Greater Administrative Regions of 1949–54 that the history uses as units of
#: analysis (Hirata, *Making Mao's Steelworks*, Introduction, n. 41). Inner Mongolia is
#: counted in the North, as the book does.
REGIONS: tuple[str, ...] = (
    "northeast",
    "north",
    "east",
    "central-south",
    "southwest",
    "northwest",
)

#: Localities inside a region that have their own party committee. Anshan matters because
#: its City Committee contested control of Angang with the ministry.
LOCALITIES: dict[str, str] = {"anshan": "northeast"}

#: Party committees: one per region plus each locality.
COMMITTEES: tuple[str, ...] = (*REGIONS, *LOCALITIES)

SECTORS: tuple[str, ...] = ("steel", "ore", "coal", "power", "cement", "machinery", "light")

POWERS: tuple[str, ...] = ("japan", "ussr", "usa", "germany")

#: Who owns an enterprise. ``colonial`` is a Japanese company (the South Manchuria Railway
#: Company and its successors) or a Manchukuo special company; ``nationalist-soe`` an SOE of
#: the Nationalist government (e.g. the National Resources Commission); ``central-soe`` and
#: ``local-soe`` the PRC's SOEs under a central ministry or a local government.
OWNERS: tuple[str, ...] = ("private", "colonial", "nationalist-soe", "central-soe", "local-soe")
SOE_OWNERS: tuple[str, ...] = ("nationalist-soe", "central-soe", "local-soe")

#: Who rules a region. ``beiyang`` stands for the Beiyang government and the warlords of
#: 1916–28; ``japan-occupied`` for Japanese-occupied China proper in 1937–45.
RULERS: tuple[str, ...] = (
    "beiyang",
    "nationalist",
    "manchukuo",
    "japan-occupied",
    "ussr-occupation",
    "ccp",
)

#: Named works, each tracked as one enterprise.
WORKS: tuple[str, ...] = (
    "angang",
    "benxi",
    "shougang",
    "taiyuan",
    "wuhan",
    "baotou",
    "maanshan",
    "panzhihua",
    "baosteel",
)

#: Workforce cohorts kept per enterprise: three domestic ones and foreign experts by power.
COHORTS: tuple[str, ...] = ("workers", "skilled", "engineers", *(f"experts-{p}" for p in POWERS))


def index(ids: tuple[str, ...], name: str) -> int:
    """Position of ``name`` in ``ids``; the caller has validated it already."""
    return ids.index(name)
