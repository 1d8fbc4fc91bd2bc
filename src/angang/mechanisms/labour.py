"""Labour and mobilization: commitment, effort, the danwei, grievance, voice and protest.

Two steps come before production. ``mobilize``: campaigns, run by local committees, raise
workers' commitment and so their effort and output, but leave disillusion (fatigue) that drags
commitment below normal once they end; hunger lowers effort (:mod:`.food`); political openings
let engineers with grievances speak out (the Hundred Flowers), and purges remove a share of
those who did (the Anti-Rightist campaign) or of managers and engineers as a class (the
Cultural Revolution), thinning the engineers a plant needs to absorb technology. ``employ``:
plants hire the hands their capacity needs; under a soft budget an SOE keeps its staff for
life (shedding them only by attrition), carries the extra hands local committees press on it,
and provides danwei welfare; as reform hardens the budget, SOEs that lost money last year —
squeezed by private rivals, surplus staff and welfare costs — lay off their surplus staff and
cut welfare; when food is short the state keeps only the urban staff it can feed. Small
campaign plants are worked by peasants: no more than the campaign pulls off the fields (a
share of the rural labour force), who go back when it ends. Job losses,
welfare cuts and (in colonial plants) discrimination raise grievance; grievance above a
threshold turns into protest, counted as incidents. Closed plants lay off everyone.

References
----------
Hirata, *Making Mao's Steelworks* (2024), Introduction and the outlines of chs. 1, 6-8;
Walder, *Communist Neo-traditionalism* (1986); Perry, 'Popular Protest' and O'Brien,
'Rightful Resistance' (cited in Hirata, n. 66); Lee, *Against the Law* (2007).
"""

from __future__ import annotations

import numpy as np

from angang.engine.rng import Streams
from angang.engine.state import (
    DOMESTIC_COHORTS,
    Params,
    State,
    labour_persons,
    replace,
    untouched,
)
from angang.engine.world import OWNER, Levers, World, is_soe
from angang.ids import REGIONS
from angang.mechanisms.production import staff_need
from angang.scenario.schema import PurgeEvent

BASE_COMMITMENT = 0.5
ENGINEERS = 2  #: cohort index of domestic engineers
STAFFING_SLACK = 0.3  #: extra staff a fully soft-budget SOE carries beyond its needs
PRIVATE_WELFARE = 0.1  #: welfare a private or colonial employer provides
FATIGUE_DECAY = 0.3  #: share of campaign fatigue that fades each year
FATIGUE_SCALE = 0.2  #: fatigue added by a full campaign year, per unit of fatigue_rate
FATIGUE_GRIEVANCE = 0.2  #: grievance per unit of fatigue (disillusion turns into grievance)
VOICE_MEMORY = 0.5  #: share of last year's voice still heard
WELFARE_ADJUSTMENT = 0.5  #: share of the gap to its target welfare closes in a year
#: China's rural labour force, persons, at two anchors: about 165 million in 1949 (of some
#: 180 million employed, 8.3% worked in towns: National Bureau of Statistics, as reported by
#: China Daily, 2019) and 284.6 million farm labourers in 1978 (NBS, China Statistical
#: Yearbook 2005, table 13-4); linear between them (an assumption)
RURAL_LABOUR = ((1949, 165.0e6), (1978, 284.6e6))


def mobilize(state: State, world: World, params: Params, rng: Streams) -> State:
    """Campaign commitment and effort, disillusion, voice in openings, removal in purges."""
    lay = world.layout
    campaign = state.lever(Levers.CAMPAIGN_INTENSITY)[:, lay.region]
    committee = state.committee_power[:, lay.committee]
    fatigue = state.fatigue * (1.0 - FATIGUE_DECAY) + params.fatigue_rate * campaign * FATIGUE_SCALE
    commitment = np.clip(
        BASE_COMMITMENT + params.campaign_commitment * campaign * (0.5 + 0.5 * committee) - fatigue,
        0.0,
        1.0,
    )
    hunger = state.food[:, None] ** params.hunger_effort
    effort = (
        np.clip(1.0 + params.effort_commitment * (commitment - BASE_COMMITMENT), 0.5, 1.5) * hunger
    )
    opening = state.opening[:, lay.region]
    voice = np.clip(state.voice * VOICE_MEMORY + opening * state.grievance, 0.0, 1.0)
    # where no plant has ever stood there is nobody to mobilize: nothing changes
    idle = untouched(state, lay)
    return purge(
        replace(
            state,
            fatigue=np.where(idle, state.fatigue, fatigue),
            commitment=np.where(idle, state.commitment, commitment),
            effort=np.where(idle, state.effort, effort),
            voice=np.where(idle, state.voice, voice),
        ),
        world,
    )


def purge(state: State, world: World) -> State:
    """This year's purges: of those who spoke out (engineers, by their voice) or of managers
    and engineers as a class."""
    lay = world.layout
    workforce, director, voice = state.workforce, state.director_power, state.voice
    for e in world.timeline.discrete.get(state.year, []):
        if isinstance(e, PurgeEvent):
            hit = np.isin(lay.region, [REGIONS.index(r) for r in e.regions])
            hit = hit[None, :] & ~untouched(state, lay)  # (B, N): nobody where no plant stood
            workforce = workforce.copy()
            if e.target == "voice":  # those who spoke out (the Anti-Rightist campaign)
                workforce[..., ENGINEERS] *= 1.0 - e.share * voice * hit
                voice = voice * (1.0 - e.share * hit)
            else:  # managers and engineers as a class (the Cultural Revolution)
                workforce[..., ENGINEERS] *= 1.0 - e.share * hit
                director = director * (1.0 - e.share * hit)
    return replace(state, voice=voice, workforce=workforce, director_power=director)


def rural_labour(year: int) -> float:
    """China's rural labour force in ``year``, persons: the pool the campaigns pull farm
    labour from (:data:`RURAL_LABOUR`, linear between its anchors, flat outside them)."""
    years, persons = zip(*RURAL_LABOUR, strict=True)
    return float(np.interp(year, years, persons))


def campaign_hands(state: State, world: World, params: Params) -> np.ndarray:
    """(B,) in [0, 1]: the share of their need that small campaign plants can staff. Their
    hands are the farm labour this year's campaign pulls (``State.pulled`` of the rural
    labour force, :mod:`.food`); when their technique needs more, each gets its share, and
    without a campaign they have none (the peasants go back to the fields)."""
    if not state.small.any():  # no campaign plant (all but a few years): nothing to share
        return np.ones(state.runs)
    need = labour_persons(
        world.layout,
        state.capacity * state.active,
        state.year,
        params.labour_productivity_growth,
        state.small,
        params.small_labour,
    )
    wanted = (need * state.small).sum(axis=1)
    pool = rural_labour(state.year) * state.pulled
    with np.errstate(over="ignore"):  # plants needing next to no hands: all they need
        share = np.divide(pool, wanted, out=np.ones_like(wanted), where=wanted > 0)
    return np.minimum(1.0, share)


def employ(state: State, world: World, params: Params, rng: Streams) -> State:
    """Hire to need, hoard or lay off by budget hardness, set welfare, grievance and protest."""
    lay = world.layout
    region = lay.region
    hardness = state.lever(Levers.BUDGET_HARDNESS)[:, region]
    soe = is_soe(state.owner) & state.active
    need = staff_need(state, world, params, state.capacity * state.active)
    current = state.workforce[..., :DOMESTIC_COHORTS]
    slack = (1.0 - hardness) * STAFFING_SLACK + state.claim
    # when food is short the state keeps only the urban staff it can feed (1961-63)
    fed = np.broadcast_to(state.food[:, None] ** params.sent_down, soe.shape)
    keep = np.where(soe, 1.0 + slack, 1.0) * fed
    # small campaign plants are worked by peasants pulled off the fields: as many as the
    # campaign pulls, shared among them
    keep = keep * np.where(state.small, campaign_hands(state, world, params)[:, None], 1.0)
    wanted = need * keep[..., None]
    kept = current * (1.0 - params.attrition)[..., None]
    surplus = np.maximum(0.0, kept - wanted)
    # an SOE sheds staff and cuts welfare when it loses money and the budget no longer
    # covers the loss; a profitable one keeps both
    distress = (state.profit < 0) & soe
    fired = np.where(soe, hardness * params.layoff_speed * distress, 1.0)[..., None] * surplus
    # staff beyond what the food supply allows are sent back, whatever the budget, and so
    # are the peasants a small plant no longer holds
    fired = np.where((fed < 1.0)[..., None] | state.small[..., None], surplus, fired)
    domestic = np.where(state.active[..., None], np.maximum(wanted, kept - fired), 0.0)
    laid_off = np.where(state.active, fired.sum(axis=2), current.sum(axis=2))
    workforce = state.workforce.copy()
    workforce[..., :DOMESTIC_COHORTS] = domestic
    workforce[~state.active] = 0.0
    cut = hardness * (0.3 + 0.7 * distress)
    welfare_target = np.where(
        soe, np.clip((1.0 - cut) * params.welfare_level + state.claim, 0.0, 1.0), PRIVATE_WELFARE
    )
    welfare = state.welfare + WELFARE_ADJUSTMENT * (welfare_target - state.welfare)
    before = current.sum(axis=2)
    layoff_share = np.divide(laid_off, before, out=np.zeros_like(before), where=before > 0)
    colonial = state.owner == OWNER["colonial"]
    grievance = np.clip(
        state.grievance * (1.0 - params.grievance_decay)
        + params.grievance_layoff * layoff_share
        + params.grievance_welfare * np.maximum(0.0, state.welfare - welfare)
        + params.colonial_grievance * colonial
        + FATIGUE_GRIEVANCE * state.fatigue,
        0.0,
        1.0,
    )
    # where no plant has ever stood, nobody's welfare or grievance changes
    idle = untouched(state, lay)
    welfare = np.where(idle, state.welfare, welfare)
    grievance = np.where(idle, state.grievance, grievance)
    people = domestic.sum(axis=2) + laid_off
    rate = (
        params.protest_rate * people / 1e4 * np.maximum(0.0, grievance - params.protest_threshold)
    )
    protest = rng.poisson(np.minimum(rate, 1e6)).astype(float)
    return replace(
        state,
        workforce=workforce,
        welfare=welfare,
        grievance=grievance,
        laid_off=laid_off,
        protest=protest,
    )
