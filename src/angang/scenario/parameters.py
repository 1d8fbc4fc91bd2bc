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

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    # --- production and shortage ------------------------------------------------------------
    utilization_normal: float = param(
        0.85,
        0.5,
        0.98,
        "share of capacity",
        "capacity utilization an enterprise runs at in an ordinary year",
        ASSUMPTION,
    )
    campaign_overdrive: float = param(
        0.25,
        0.0,
        0.6,
        "share of capacity per unit campaign intensity",
        "extra utilization a mobilization campaign squeezes out of plant",
        KORNAI_SS,
    )
    output_noise: float = param(
        0.08,
        0.0,
        0.3,
        "s.d. of log output",
        "enterprise-level yearly productivity shock (weather, breakdowns, ore grade)",
        ASSUMPTION,
    )
    tech_elasticity: float = param(
        0.3,
        0.0,
        2.0,
        "elasticity",
        "how strongly the technology level raises yield per unit of capacity",
        ASSUMPTION,
    )
    input_buffer: float = param(
        0.05,
        0.0,
        0.3,
        "share of input demand",
        "stocks and substitution that let a plant run when inputs fall short by this much",
        KORNAI_SS,
    )
    stock_margin: float = param(
        0.1,
        0.0,
        1.0,
        "share of demand",
        "output of a good beyond what its users take that is still made, into stock",
        KORNAI_SS,
    )
    priority_absorption: float = param(
        1.0,
        0.0,
        4.0,
        "extra demand per unit heavy priority",
        "steel and cement a state bent on heavy industry takes beyond building and inputs "
        "(defence works, stockpiles, exports to a metropole), as a multiple of that use, where "
        "markets are closed (scaled by 1 - market openness); coal and power follow as inputs",
        "Hirata 2024, Introduction (the Japanese Army in Manchuria a major consumer of Anshan's "
        "iron and steel); Kornai (1992), ch. 9",
    )
    absorption_adjust: float = param(
        0.5,
        0.1,
        1.0,
        "share of the gap closed per year",
        "how fast the state's extra take of steel and cement follows its priority: defence orders, "
        "stockpiling programmes and export contracts run for years, so a change of course "
        "(the readjustment of 1979) takes time to reach the mills; 1 is at once",
        "Kornai (1992), ch. 9 (investment and stock-building under the plan); magnitude: "
        "assumption",
    )
    light_plant_materials: float = param(
        0.3,
        0.0,
        1.0,
        "share",
        "steel and cement needed to build a yuan's worth of light plant, relative to heavy "
        "plant (textile mills against blast furnaces)",
        ASSUMPTION,
    )
    import_share: float = param(
        0.5,
        0.0,
        1.0,
        "share of a shortfall at full market openness",
        "share of the gap between what is used of a good and what domestic plant makes that "
        "imports fill where markets are open (China imported most of its steel before 1949)",
        ASSUMPTION,
    )
    wear_rate: float = param(
        0.03,
        0.0,
        0.1,
        "share of capacity per year",
        "equipment wear accumulated in a normal year",
        ASSUMPTION,
    )
    overdrive_wear: float = param(
        0.8,
        0.0,
        3.0,
        "wear per unit of excess utilization",
        "extra wear from running plant above its normal utilization (campaigns)",
        KORNAI_SS,
    )
    repair_rate: float = param(
        0.3,
        0.0,
        0.8,
        "share of wear per year",
        "share of accumulated wear repaired each year by maintenance",
        ASSUMPTION,
    )
    campaign_quality_loss: float = param(
        0.5,
        0.0,
        1.0,
        "share of technology per unit campaign intensity",
        "how much lower the technology of plant built during a campaign is (backyard furnaces)",
        "Hirata, Making Mao's Steelworks (2024), Introduction and ch. 7 outline (GLF)",
    )
    depreciation: float = param(
        0.03,
        0.0,
        0.1,
        "share of capacity per year",
        "capacity retired each year by age",
        ASSUMPTION,
    )
    labour_productivity_growth: float = param(
        0.025,
        0.0,
        0.06,
        "per year",
        "yearly fall in workers needed per unit of capacity",
        ASSUMPTION,
    )

    rehab_rate: float = param(
        0.5,
        0.0,
        1.0,
        "share of damaged capacity per year",
        "damaged plant restored in a year with a full complement of engineers and experts and "
        "no disorder (the rehabilitation of 1949-52)",
        "Hirata 2024, Introduction and ch. 3 outline (Japanese and Nationalist engineers "
        "mobilized for the reconstruction of Angang)",
    )
    labour_shortfall: float = param(
        1.0,
        0.0,
        2.0,
        "elasticity",
        "how far output falls when a plant has fewer hands than its technique needs",
        ASSUMPTION,
    )

    # --- campaigns: small plants, rushed projects --------------------------------------------
    small_plant_rate: float = param(
        0.8,
        0.0,
        3.0,
        "share of the target gap per year at full campaign",
        "share of the gap between impossible targets and capacity that local committees fill "
        "with small plants (native furnaces, small pits) in a campaign",
        "MacFarquhar, The Origins of the Cultural Revolution, vol. 2 (1983); Riskin, 'Small "
        "Industry and the Chinese Model of Development', China Quarterly 46 (1971)",
    )
    small_tech: float = param(
        0.12,
        0.02,
        0.4,
        "0-1",
        "technology level of small campaign plants",
        "Riskin (1971); assumption",
    )
    small_usable: float = param(
        0.1,
        0.0,
        0.3,
        "share of output",
        "share of what small campaign plants make that is usable (the rest, native steel and "
        "the like, is reported but worthless)",
        "Shanghai Daily, 'From backyard smelter to modern industry' (of 10.7 Mt claimed for "
        "1958, 8 Mt was usable: about what the modern plants made, so native steel was close "
        "to worthless); upper bound 0.3: assumption",
    )
    small_labour: float = param(
        6.0,
        1.0,
        30.0,
        "times the modern plant's labour per unit",
        "hands a small campaign plant needs per unit of capacity, relative to modern plant",
        "Riskin (1971); assumption",
    )
    small_scrap: float = param(
        0.5,
        0.0,
        1.0,
        "probability per year at a fully hard budget",
        "chance a small plant is closed in a year without a campaign (the 1961-62 "
        "retrenchment closed, suspended, merged and converted them)",
        "MacFarquhar, The Origins of the Cultural Revolution, vol. 3 (1997)",
    )
    project_rush: float = param(
        0.5,
        0.0,
        2.0,
        "extra pace per unit campaign intensity",
        "how much a campaign speeds the construction of key-point projects (and lowers the "
        "quality of what is built)",
        "MacFarquhar (1983); assumption",
    )
    partner_loss: float = param(
        0.5,
        0.0,
        1.0,
        "share of pace",
        "construction pace lost on a project when the power that designed it withdraws its "
        "aid (1960: 201 Soviet-aided projects left unfinished)",
        "Shen Zhihua, 'Dui zai Hua Sulian zhuanjia wenti de lishi kaocha', Dangdai Zhongguo "
        "shi yanjiu 9 (2002)",
    )

    # --- food and farm labour ----------------------------------------------------------------
    labour_pull: float = param(
        0.3,
        0.0,
        1.0,
        "share of farm labour per unit campaign intensity",
        "farm labour pulled into steelmaking, mining and water works by a campaign",
        "MacFarquhar, The Origins of the Cultural Revolution, vol. 2 (1983)",
    )
    food_loss: float = param(
        0.6,
        0.0,
        2.0,
        "share of the harvest per unit of farm labour pulled",
        "the next harvest lost for each share of farm labour pulled away",
        "Yang Jisheng, Tombstone (2012); assumption",
    )
    agri_persistence: float = param(
        0.5,
        0.0,
        0.95,
        "share per year",
        "share of last year's harvest loss that persists (depleted seed, stocks and draught "
        "animals)",
        ASSUMPTION,
    )
    hunger_effort: float = param(
        1.0, 0.0, 3.0, "elasticity", "how far work effort falls with the food supply", ASSUMPTION
    )
    sent_down: float = param(
        1.0,
        0.0,
        3.0,
        "elasticity",
        "how far the state cuts urban industrial staff when food is short (workers sent back "
        "to the countryside, 1961-63)",
        "MacFarquhar (1997)",
    )
    agri_input: float = param(
        0.5,
        0.0,
        1.0,
        "share",
        "share of light industry's inputs that come from farming (cotton, grain, oilseed)",
        ASSUMPTION,
    )

    # --- political disorder --------------------------------------------------------------------
    factional_rate: float = param(
        1.5,
        0.0,
        5.0,
        "disorder per year at full mobilization and contest",
        "how fast factional fighting grows where the centre mobilizes the masses against "
        "authority, committees are strong and managers weak",
        "MacFarquhar and Schoenhals, Mao's Last Revolution (2006)",
    )
    disorder_persistence: float = param(
        0.5, 0.0, 0.95, "share per year", "share of last year's disorder that persists", ASSUMPTION
    )
    disorder_noise: float = param(
        0.5,
        0.0,
        1.5,
        "s.d. of log",
        "year-to-year luck of factional fighting in a region",
        ASSUMPTION,
    )
    disorder_loss: float = param(
        0.6,
        0.0,
        1.0,
        "share of utilization at full disorder",
        "production lost to strikes, fighting and broken transport at full disorder",
        "Library of Congress, China: A Country Study (1987), 'Trends in industrial production'",
    )

    # --- vertical bargaining (planning) -----------------------------------------------------
    ratchet: float = param(
        0.5,
        0.0,
        1.0,
        "dimensionless",
        "Weitzman's ratchet coefficient: how much of last year's over-fulfilment is added to "
        "next year's target",
        WEITZMAN,
    )
    plan_growth: float = param(
        0.06, 0.0, 0.3, "per year", "growth the ministry builds into every target", KORNAI_SS
    )
    campaign_target_boost: float = param(
        0.6,
        0.0,
        2.0,
        "per year per unit campaign intensity",
        "extra target growth demanded during a mobilization campaign",
        KORNAI_SS,
    )
    slack_hiding: float = param(
        0.15,
        0.0,
        0.5,
        "share of capacity",
        "share of capacity a fully powerful director hides from the ministry under planning",
        KORNAI_SS,
    )
    target_margin: float = param(
        0.05,
        0.0,
        0.3,
        "share of target",
        "how far above target a cautious director lets output run (to avoid the ratchet)",
        WEITZMAN,
    )
    overreport: float = param(
        0.6,
        0.0,
        1.5,
        "share of shortfall",
        "share of a shortfall against target hidden by over-reporting under full political "
        "pressure",
        "Hirata, Making Mao's Steelworks, Introduction (vertical bargaining)",
    )
    soft_budget_exit: float = param(
        0.15,
        0.0,
        0.5,
        "probability per year",
        "exit rate of a loss-making enterprise whose budget constraint is fully hard",
        KORNAI_SBC,
    )
    fixed_cost_share: float = param(
        0.1,
        0.0,
        0.9,
        "share of capacity value",
        "yearly fixed cost of holding capacity, as a share of its output value",
        ASSUMPTION,
    )
    variable_cost_share: float = param(
        0.5,
        0.0,
        1.0,
        "share of output value at full technology",
        "variable cost per unit of output at the technology frontier (higher below it)",
        ASSUMPTION,
    )

    competition: float = param(
        0.4,
        0.0,
        1.0,
        "share of price",
        "price cut state plants suffer when private rivals hold the whole market",
        "Naughton, Growing Out of the Plan (1995), ch. 4 (entry erodes SOE profits)",
    )

    social_cost: float = param(
        0.2,
        0.0,
        1.0,
        "share of output value per unit",
        "cost of surplus staff (per unit of overstaffing) and of danwei welfare (per unit of "
        "welfare) to an enterprise",
        "Kornai, The Socialist System (1992), ch. 11; Walder, Communist Neo-traditionalism (1986)",
    )

    # --- investment and security -----------------------------------------------------------
    capital_productivity: float = param(
        2.0,
        0.2,
        5.0,
        "multiplier",
        "capacity bought per yuan invested, relative to each sector's capital-output ratio",
        ASSUMPTION,
    )
    heavy_bias: float = param(
        3.0,
        0.0,
        8.0,
        "log weight per unit heavy priority",
        "how strongly the heavy-industry priority lever tilts investment to heavy sectors",
        KORNAI_SS,
    )
    demand_elasticity: float = param(
        1.5,
        0.0,
        5.0,
        "elasticity",
        "how strongly investment follows the balance of demand and supply of a good used by "
        "others (material balances under the plan, prices under markets): to sectors in "
        "shortage, away from those in surplus",
        KORNAI_SS,
    )
    allocation_elasticity: float = param(
        0.7,
        0.4,
        1.0,
        "elasticity",
        "how strongly investment follows existing capacity (below 1: planners and markets "
        "spread it to smaller cells); at least 0.4 because plans were drawn up from the "
        "level already achieved",
        "Weitzman, 'The Ratchet Principle' (1980); Kornai, The "
        "Socialist System (1992), ch. 9; lower bound: assumption",
    )
    entry_share: float = param(
        0.3,
        0.0,
        1.0,
        "share of new capacity",
        "share of a cell's new capacity built as new enterprises rather than extensions",
        ASSUMPTION,
    )
    local_replication: float = param(
        0.5,
        0.0,
        1.0,
        "share",
        "how far local money builds the nation's mix of industry in its own region rather "
        "than extending the region's own (the 'small but complete' local industrial systems "
        "of 1958 and the 1970s: every province its own steel, cement and machinery)",
        "Donnithorne, 'China's Cellular Economy', China Quarterly 52 (1972); Riskin, 'Small "
        "Industry and the Chinese Model of Development', China Quarterly 46 (1971)",
    )
    private_reinvestment: float = param(
        0.08,
        0.0,
        0.3,
        "share of output value per year",
        "private firms' reinvestment out of their own output at full market openness",
        ASSUMPTION,
    )

    security_bias: float = param(
        1.5,
        0.0,
        5.0,
        "log weight per unit threat",
        "how strongly the centre moves investment from threatened to inland regions",
        "Naughton, 'The Third Front', China Quarterly 115 (1988); Meyskens, Mao's Third Front "
        "(2020)",
    )
    security_cost: float = param(
        1.0,
        0.0,
        3.0,
        "extra cost per unit security posture",
        "how much more plant the state builds in the interior costs, per unit of security "
        "posture: sites dispersed in mountains and caves, and the railways built to reach "
        "them (the Third Front was 'immensely costly')",
        "Naughton, 'The Third Front', China Quarterly 115 (1988); Meyskens, Mao's Third Front "
        "(2020), ch. 5; magnitude: assumption",
    )
    relocation_rate: float = param(
        0.02,
        0.0,
        0.2,
        "share of capacity per year per unit threat",
        "heavy SOE plant moved from threatened regions to the interior (Third Front relocation)",
        "Hirata 2024, Introduction (factories and staff moved from Shanghai and Manchuria)",
    )
    return_bias: float = param(
        1.5,
        0.0,
        5.0,
        "log weight per unit relative excess profit rate per unit openness",
        "how strongly open markets steer investment to where it earns most",
        ASSUMPTION,
    )

    # --- technology transfer ----------------------------------------------------------------
    transfer_rate: float = param(
        0.08,
        0.0,
        0.3,
        "share of the gap per year",
        "share of the gap to an ally's frontier closed per year at full alliance and "
        "absorptive capacity",
        "Hirata 2024, Introduction (geopolitics of technology transfer)",
    )
    indigenous_rate: float = param(
        0.005,
        0.0,
        0.03,
        "share of the gap per year",
        "indigenous learning toward full technology without foreign help (slow)",
        "Hirata 2024, Introduction (indigenous technology in the GLF and after the split)",
    )
    diffusion_rate: float = param(
        0.05,
        0.0,
        0.3,
        "share of the gap per year",
        "knowledge carried from Angang to other SOE plants by staff transfers and training",
        "Hirata 2024, Introduction (cadres and engineers trained at Angang; staff sent out)",
    )
    expert_weight: float = param(
        5.0,
        0.0,
        20.0,
        "engineer-equivalents per foreign expert",
        "how much one foreign expert adds to a plant's absorptive capacity",
        "Hirata 2024, ch. 4 outline (Soviet experts key to transfer)",
    )

    # --- horizontal bargaining (tiaotiao vs kuaikuai) ----------------------------------------
    control_adjustment: float = param(
        0.35,
        0.0,
        1.0,
        "share of the gap per year",
        "how fast the ministry's control and the director's power move to what the management "
        "system prescribes",
        "Hirata 2024, Introduction and ch. 5 outline",
    )
    mobilization_strength: float = param(
        0.3,
        0.0,
        1.0,
        "share of director power per year at full campaign",
        "how far committees' campaigns mobilize workers against managers",
        "Hirata 2024, Introduction (committees mobilize workers against SOE managers)",
    )
    claim_rate: float = param(
        0.3,
        0.0,
        1.0,
        "share",
        "local committees' claim on SOE resources (welfare, housing, local projects) at full "
        "committee control",
        "Hirata 2024, Introduction and ch. 5 outline",
    )
    hold_decay: float = param(
        0.05,
        0.0,
        0.5,
        "share per year",
        "how fast a committee's hold over a merged works fades",
        ASSUMPTION,
    )

    # --- labour and mobilization -----------------------------------------------------------
    attrition: float = param(
        0.03,
        0.0,
        0.1,
        "share per year",
        "natural attrition of SOE staff (retirement), the only way a soft-budget SOE sheds labour",
        "Walder, Communist Neo-traditionalism (1986)",
    )
    layoff_speed: float = param(
        0.4,
        0.0,
        1.0,
        "share of surplus per year at a hard budget",
        "share of surplus staff laid off per year when the budget is hard (xiagang)",
        "Lee, Against the Law (2007)",
    )
    welfare_level: float = param(
        0.7,
        0.0,
        1.0,
        "0-1",
        "danwei welfare an SOE provides under a fully soft budget",
        "Hirata 2024, Introduction (danwei welfare, lifetime employment)",
    )
    campaign_commitment: float = param(
        0.4,
        0.0,
        1.0,
        "commitment per unit campaign",
        "rise in workers' commitment during a mobilization campaign",
        "Hirata 2024, Introduction and ch. 6 outline",
    )
    fatigue_rate: float = param(
        0.5,
        0.0,
        2.0,
        "fatigue per unit campaign per year",
        "disillusion accumulated in campaigns, which lowers commitment after them",
        "Hirata 2024, ch. 7 outline; MacFarquhar, Origins vol. 3 (1997)",
    )
    effort_commitment: float = param(
        0.3,
        0.0,
        1.0,
        "effort per unit commitment",
        "how much commitment above normal raises work effort",
        ASSUMPTION,
    )
    grievance_layoff: float = param(
        3.0,
        0.0,
        10.0,
        "grievance per unit layoff share",
        "grievance from losing jobs (or seeing colleagues lose them)",
        "Lee, Against the Law (2007); Perry, 'Popular Protest' (cited in Hirata 2024, n. 66)",
    )
    grievance_welfare: float = param(
        1.5,
        0.0,
        5.0,
        "grievance per unit welfare lost",
        "grievance from cuts in danwei welfare",
        "Lee, Against the Law (2007)",
    )
    grievance_decay: float = param(
        0.25, 0.0, 1.0, "share per year", "how fast grievance fades", ASSUMPTION
    )
    colonial_grievance: float = param(
        0.15,
        0.0,
        0.5,
        "grievance per year",
        "grievance of Chinese workers under colonial violence and discrimination",
        "Hirata 2024, Introduction and ch. 1 outline",
    )
    protest_rate: float = param(
        2.0,
        0.0,
        10.0,
        "incidents per 10,000 workers per unit excess grievance",
        "how readily grievance above the threshold turns into protest",
        "Perry, 'Popular Protest'; O'Brien, 'Rightful Resistance' (Hirata 2024, n. 66)",
    )
    protest_threshold: float = param(
        0.3, 0.0, 1.0, "0-1", "grievance below which workers do not protest", ASSUMPTION
    )

    # --- ownership ----------------------------------------------------------------------------
    central_share_heavy: float = param(
        0.7,
        0.0,
        1.0,
        "share",
        "share of nationalized heavy-industry firms placed under a central ministry (the rest "
        "under local governments)",
        "Naughton, Growing Out of the Plan (1995), ch. 1",
    )
    director_power_initial: float = param(
        0.5,
        0.0,
        1.0,
        "share of control",
        "director's share of power inside an SOE before any management system is set",
        "Hirata, Making Mao's Steelworks, Introduction (dual control)",
    )


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
