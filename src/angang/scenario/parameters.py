"""The model's global parameters: the single source of truth for defaults, units, ranges, meanings.

Every parameter is global (one value for the whole history, never per year). The CLI's
``angang variables --parameters``, the ODD document and later the report's and the dashboard's
parameter tables are generated from this model; nothing else lists them by hand.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


def param(default: float, low: float, high: float, unit: str, meaning: str, source: str) -> Any:
    """A parameter field: default, plausible range [low, high], unit, one-line meaning, source."""
    return Field(
        default,
        ge=low,
        le=high,
        description=meaning,
        json_schema_extra={"unit": unit, "source": source, "low": low, "high": high},
    )


ASSUMPTION = "assumption (to be calibrated; see docs/ODD.md)"
KORNAI_SS = "Kornai, The Socialist System (1992), ch. 8 and 11"
WEITZMAN = "Weitzman, 'The Ratchet Principle and Performance Incentives', Bell J. Econ. 11 (1980)"
KORNAI_SBC = "Kornai, 'The Soft Budget Constraint', Kyklos 39 (1986)"


class Parameters(BaseModel):
    """Global behavioural parameters of the model, each with its plausible range."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    # --- production and shortage ------------------------------------------------------------
    utilization_normal: float = param(
        0.85, 0.5, 0.98, "share of capacity",
        "capacity utilization an enterprise runs at in an ordinary year", ASSUMPTION)
    campaign_overdrive: float = param(
        0.25, 0.0, 0.6, "share of capacity per unit campaign intensity",
        "extra utilization a mobilization campaign squeezes out of plant", KORNAI_SS)
    output_noise: float = param(
        0.08, 0.0, 0.3, "s.d. of log output",
        "enterprise-level yearly productivity shock (weather, breakdowns, ore grade)", ASSUMPTION)
    tech_elasticity: float = param(
        0.3, 0.0, 2.0, "elasticity",
        "how strongly the technology level raises yield per unit of capacity", ASSUMPTION)
    input_buffer: float = param(
        0.05, 0.0, 0.3, "share of input demand",
        "stocks and substitution that let a plant run when inputs fall short by this much",
        KORNAI_SS)
    wear_rate: float = param(
        0.03, 0.0, 0.1, "share of capacity per year",
        "equipment wear accumulated in a normal year", ASSUMPTION)
    overdrive_wear: float = param(
        0.8, 0.0, 3.0, "wear per unit of excess utilization",
        "extra wear from running plant above its normal utilization (campaigns)", KORNAI_SS)
    repair_rate: float = param(
        0.3, 0.0, 0.8, "share of wear per year",
        "share of accumulated wear repaired each year by maintenance", ASSUMPTION)
    campaign_quality_loss: float = param(
        0.5, 0.0, 1.0, "share of technology per unit campaign intensity",
        "how much lower the technology of plant built during a campaign is (backyard furnaces)",
        "Hirata, Making Mao's Steelworks (2024), Introduction and ch. 7 outline (GLF)")
    depreciation: float = param(
        0.03, 0.0, 0.1, "share of capacity per year",
        "capacity retired each year by age", ASSUMPTION)
    labour_productivity_growth: float = param(
        0.025, 0.0, 0.06, "per year",
        "yearly fall in workers needed per unit of capacity", ASSUMPTION)

    # --- vertical bargaining (planning) -----------------------------------------------------
    ratchet: float = param(
        0.5, 0.0, 1.0, "dimensionless",
        "Weitzman's ratchet coefficient: how much of last year's over-fulfilment is added to "
        "next year's target", WEITZMAN)
    plan_growth: float = param(
        0.06, 0.0, 0.3, "per year",
        "growth the ministry builds into every target", KORNAI_SS)
    campaign_target_boost: float = param(
        0.6, 0.0, 2.0, "per year per unit campaign intensity",
        "extra target growth demanded during a mobilization campaign", KORNAI_SS)
    slack_hiding: float = param(
        0.15, 0.0, 0.5, "share of capacity",
        "share of capacity a fully powerful director hides from the ministry under planning",
        KORNAI_SS)
    target_margin: float = param(
        0.05, 0.0, 0.3, "share of target",
        "how far above target a cautious director lets output run (to avoid the ratchet)",
        WEITZMAN)
    overreport: float = param(
        0.6, 0.0, 1.5, "share of shortfall",
        "share of a shortfall against target hidden by over-reporting under full political "
        "pressure", "Hirata, Making Mao's Steelworks, Introduction (vertical bargaining)")
    soft_budget_exit: float = param(
        0.15, 0.0, 0.5, "probability per year",
        "exit rate of a loss-making enterprise whose budget constraint is fully hard", KORNAI_SBC)
    fixed_cost_share: float = param(
        0.1, 0.0, 0.9, "share of capacity value",
        "yearly fixed cost of holding capacity, as a share of its output value", ASSUMPTION)
    variable_cost_share: float = param(
        0.5, 0.0, 1.0, "share of output value at full technology",
        "variable cost per unit of output at the technology frontier (higher below it)",
        ASSUMPTION)

    # --- investment (a simple allocation; security and bargaining come with 'The whole system')
    capital_productivity: float = param(
        1.5, 0.2, 5.0, "multiplier",
        "capacity bought per yuan invested, relative to each sector's capital-output ratio",
        ASSUMPTION)
    heavy_bias: float = param(
        3.0, 0.0, 8.0, "log weight per unit heavy priority",
        "how strongly the heavy-industry priority lever tilts investment to heavy sectors",
        KORNAI_SS)
    shortage_bias: float = param(
        3.0, 0.0, 10.0, "log weight per unit shortage",
        "how strongly planners and firms steer investment to sectors in shortage", KORNAI_SS)
    allocation_elasticity: float = param(
        0.7, 0.0, 1.0, "elasticity",
        "how strongly investment follows existing capacity (below 1: planners and markets "
        "spread it to smaller cells)", ASSUMPTION)
    entry_share: float = param(
        0.3, 0.0, 1.0, "share of new capacity",
        "share of a cell's new capacity built as new enterprises rather than extensions",
        ASSUMPTION)
    private_reinvestment: float = param(
        0.08, 0.0, 0.3, "share of output value per year",
        "private firms' reinvestment out of their own output at full market openness",
        ASSUMPTION)

    # --- ownership ----------------------------------------------------------------------------
    central_share_heavy: float = param(
        0.7, 0.0, 1.0, "share",
        "share of nationalized heavy-industry firms placed under a central ministry (the rest "
        "under local governments)", "Naughton, Growing Out of the Plan (1995), ch. 1")
    director_power_initial: float = param(
        0.5, 0.0, 1.0, "share of control",
        "director's share of power inside an SOE before any management system is set",
        "Hirata, Making Mao's Steelworks, Introduction (dual control)")


def parameter_table() -> list[dict[str, Any]]:
    """Rows (name, default, unit, low, high, meaning, source) generated from the schema."""
    rows = []
    for name, field in Parameters.model_fields.items():
        extra = field.json_schema_extra
        if not isinstance(extra, dict):
            raise TypeError(f"parameter {name} lacks its unit and range")
        rows.append(
            {
                "name": name,
                "default": field.default,
                "unit": extra["unit"],
                "low": extra["low"],
                "high": extra["high"],
                "meaning": field.description,
                "source": extra["source"],
            }
        )
    return rows
