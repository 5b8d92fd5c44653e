"""The supply phase: each side's supply channels, what they carry, and what a shortage costs.

A side's supply comes through channels: its *sources* (where supply enters the map), the
*lines* that carry a source's load along a road, and *airlifts* that fly it to a place. Each
channel delivers to hexes (a source to its entry hex, a line to every hex of the stretch of its
road it can use, an airlift to its landing place), and from there supply is traced to units
through the side's own ground (`sim.rules.supply_paths`), at most `SUPPLY_RANGE` movement
points. Each unit draws on the cheapest channel that reaches it. A channel's capacity is shared
among the units that depend on it in proportion to their demand, and a source's capacity is
shared in the same way between the units at its entry point and its lines and airlifts, so no
channel ever delivers more than its capacity. Channels of different sources that deliver at
one hex pool their loads (see `_meeting_channels`), and so do those whose areas border each
other over the side's ground (`POOL_BORDERING_CHANNELS`): a unit draws on its channel's whole
pool, so it goes short only where the stretch of its side's ground it stands on is short.

Capacities (supply points per turn; one point is one railroad car, see common/sides.toml):
    source   capacity x event factor x (1 - active blockade reductions on it, at least 0)
    line     the same with its own factor and blockades, and no more than its source can give
    airlift  the same; land blockades of its source do not touch it, but it shares the
             source's pool
A range in the scenario is taken at its midpoint: capacities are read every turn, and drawing
them anew each turn would make supply flicker for no historical reason.

Dates follow the rule of the events phase: a change dated within a turn takes effect at the
start of that turn. A line works from the turn that contains `opens` (or once an event has
opened it) until the turn that contains `closes`; an airlift's `until` is its last day of
service, so it stops in the turn that contains the day after; a blockade is in force from the
turn that contains `from` until the turn that contains the day after `until`, unless an event
has switched it on or off (`GameState.blockades`).

A line starts at its source's entry hex on its route (or the route hex nearest to it) and runs
both ways along the route as far as the side can pass: routes are whole roads, and the same
road may serve both sides on their own stretches (the Lachin road carries Azerbaijani supply
from Lachin to Shusha and, once it is open, Armenian supply from Goris to Stepanakert).

Demand, per unit and week (scaled by the turn's length): men/500 + tanks/10 + afv/20 +
artillery/10 + aircraft/2 + helicopters/4 supply points. With it the 1992 Karabakh Armenians
(about 2,800 men in the pocket round Stepanakert, needing about 8 points) are short on the
3-point helicopter link and can be whole once the 20-point Lachin corridor is open, and
Azerbaijan's forces (about 12,000 men needing about 40 points) are well inside its 170.

A unit's `supply` is what it received over what it needed (0-1). Below `CUT_OFF` it is cut
off: morale -0.05 a turn, and once it has been cut off for more than `CUT_GRACE_TURNS` turns in
a row it loses `ATTRITION_RATE` of its men and equipment every turn (hunger, cold, wounded who
cannot be evacuated, desertion), counted in the side's losses. Below `SHORT` it is short:
morale -0.02 a turn.

The combat phase reads `UnitState.supply` for combat power. A fifth of what a side delivers
is ammunition put by for combat (`AMMUNITION_SHARE`), added to its stock.

Village stores: a militia standing in the village it was raised in (its scenario `place`),
while its side holds the village, lives on the village's own food, fuel and arms for at least
`HOME_STORES` of its need however it is cut off. A village's self-defence is its own men
defending their homes from their own cellars; they go short, not hungry, when the roads are
closed. Only villages: a town's garrison is far larger than its people's stores could keep,
and men who leave their village leave its stores behind. Stores feed only the unit itself:
they add nothing to the side's ammunition stock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sim.hexgrid import hex_distance
from sim.rules.context import TurnContext, season_in
from sim.rules.supply_paths import nearest_channel, route_reach, supply_ground
from sim.rules.supply_words import count, equipment, join, men, place_at, points, where
from sim.scenario.model import FORCE_FIELDS, Airlift, Blockade, SupplyLine, SupplySource
from sim.scenario_cache import per_scenario
from sim.sides import SIDE_ADJECTIVES, SIDE_CODES, SIDE_IDS, other_side
from sim.state import GameState, UnitState
from sim.theatre import Theatre

SUPPLY_RANGE = 48.0
"""Movement points from a delivery hex within which a unit can draw supply in a week: 96 hexes
of road, 48 of open plain, 16 of mountain off the road (about 55 km of mountain tracks for
porters and pack animals). Inside a side's own ground supply is stopped by enemy ground and
zones of control rather than by distance: in 1992 the helicopter link to Stepanakert fed the
whole Karabakh pocket, Hadrut included (about 42 points from Stepanakert round the
Azerbaijani villages), which a range of a week's march would not allow."""
DEMAND_PER_WEEK: dict[str, float] = {
    "men": 1 / 500,
    "tanks": 1 / 10,
    "afv": 1 / 20,
    "artillery": 1 / 10,
    "aircraft": 1 / 2,
    "helicopters": 1 / 4,
}
"""Supply points a week per man or piece of equipment (one point: a railroad car, ~50 t)."""
CUT_OFF = 0.25
SHORT = 0.75
MORALE_LOSS_CUT_OFF = 0.05
MORALE_LOSS_SHORT = 0.02
CUT_GRACE_TURNS = 2
ATTRITION_RATE = 0.03
AMMUNITION_SHARE = 0.2
HOME_STORES = 0.5
"""Share of its need a militia draws from its own village's stores (short, not cut off)."""
STORES = "village stores"
"""`UnitState.supply_via` of a unit living on its village's stores alone."""
POOL_BORDERING_CHANNELS = True
"""Whether channels of different sources whose areas border each other over the side's ground
pool their loads, as channels delivering at one hex always do (see `_meeting_channels`).

On: a side's lorries carry stores over its own roads from a depot with some to spare to the
units of the next one, so a force massed at the edge of one channel's area does not starve
while the channel next door runs a third full. Measured over 120 wars under both historical
plans (`benchmarks/history_fidelity.py`, seeds 1-120), with the data changes of the same step
(the Jabrail garrison breaking once Fuzuli falls; Horadiz taken and held by the Hadrut
regiment alone), it brings Jabrail's fall on time from 8% of seeds to 84% (the brigade
massed at Hadrut lived on Hadrut district's own 4 points while the Lachin corridor carried a
third of its 60) and Mardakert's recapture from 34% to 51%, with Horadiz retaken in 78%
(57% before); Shusha, whose garrison lives on the Lachin stores (`pools = false` on a source
keeps it and its lines out of bordering pools), falls on time in 61% (62% before). Over 100
AI-against-AI wars (`benchmarks/ai_wars.py`) the Armenian side ends holding Stepanakert in 57%
instead of 73%, and 18 wars end in an Armenian collapse and 11 in an Azerbaijani one instead of
6 and 10: the Azerbaijani garrisons round Khojaly and Askeran no longer waste away on one
overloaded channel while Barda, next door, has room. Off, each unit lives on the channel
nearest it alone (what the AI's tests of a garrison starving beside a fed depot set up)."""

BLOCKADE_BY: dict[str, str] = {
    "armenian": "the Armenian",
    "azerbaijani": "the Azerbaijani",
    "turkey": "the Turkish",
    "other": "a",
}
"""How a blockade's `by` reads in a sentence."""

Channel = SupplySource | SupplyLine | Airlift


# --- dates -----------------------------------------------------------------------------------


def turn_days(state: GameState) -> tuple[dt.date, dt.date]:
    """First and last day of the turn about to be resolved."""
    return state.date, state.date_of(state.turn + 1) - dt.timedelta(days=1)


def line_open(line: SupplyLine, state: GameState, last_day: dt.date) -> bool:
    opened = line.opens is None or line.opens <= last_day or line.id in state.opened
    return opened and (line.closes is None or line.closes > last_day)


def airlift_in_service(airlift: Airlift, state: GameState, last_day: dt.date) -> bool:
    return airlift.until is None or airlift.until >= last_day


def blockade_active(blockade: Blockade, state: GameState, last_day: dt.date) -> bool:
    """In force this turn: an event's switch wins; otherwise its dates decide."""
    if blockade.id in state.blockades:
        return state.blockades[blockade.id]
    return blockade.start <= last_day and (blockade.until is None or blockade.until >= last_day)


def blockade_text(blockade: Blockade, state: GameState) -> str:
    """'the Azerbaijani blockade of <target name>', for sentences."""
    target = state.scenario.supply.get(blockade.target)
    name = channel_name(target) if target is not None else blockade.target
    return f"{BLOCKADE_BY.get(blockade.by, 'a')} blockade of {name}"


def channel_name(channel: Channel) -> str:
    return channel.name or channel.id


# --- results ---------------------------------------------------------------------------------


@dataclass(slots=True)
class ChannelFlow:
    """One channel this turn: what it could carry, why, and where the load went."""

    id: str
    kind: str
    """'source', 'line' or 'airlift'."""
    name: str
    source: str
    """The source it draws on (its own id for a source)."""
    nominal: float
    factor: float = 1.0
    """Product of the events' capacity factors on it."""
    blockades: list[dict[str, Any]] = field(default_factory=list)
    """Blockades in force on it: id, by, reduction."""
    capacity: float = 0.0
    working: bool = False
    status: str = ""
    """'open', or why it carries nothing or only part of the way."""
    delivery: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    """Hexes it delivers to."""
    cut_at: list[int] = field(default_factory=list)
    """Route hexes where a line's stretch ends because an enemy unit or its zone blocks it."""
    demand: float = 0.0
    delivered: float = 0.0
    units: list[str] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "name": self.name,
            "source": self.source,
            "nominal": self.nominal,
            "factor": self.factor,
            "before_blockades": self.nominal * self.factor,
            "blockades": list(self.blockades),
            "capacity": self.capacity,
            "status": self.status,
            "demand": self.demand,
            "delivered": self.delivered,
            "units": list(self.units),
        }


@dataclass(frozen=True, slots=True)
class UnitSupply:
    unit: str
    channel: str
    """'' when no channel reaches it."""
    cost: float
    demand: float
    delivered: float
    stores: float = 0.0
    """Drawn from its own village's stores (`HOME_STORES`), beside what the channel brings."""

    @property
    def share(self) -> float:
        if self.demand <= 0:
            return 1.0 if self.channel or self.stores else 0.0
        return min(1.0, (self.delivered + self.stores) / self.demand)

    @property
    def channel_share(self) -> float:
        """The share the supply channel alone brings, without the village's stores."""
        if self.demand <= 0:
            return 1.0 if self.channel else 0.0
        return min(1.0, self.delivered / self.demand)


@dataclass(frozen=True, slots=True)
class SupplyResult:
    """One side's supply for the coming turn; computed without touching the state."""

    side: str
    season: str
    channels: dict[str, ChannelFlow]
    units: dict[str, UnitSupply]
    cost: np.ndarray
    """Per hex: movement points from the nearest working channel (inf beyond reach)."""
    via: np.ndarray
    """Per hex: position in `channels` of the channel that reaches it, -1 for none."""

    @property
    def capacity(self) -> float:
        """What the side's working sources can put into the theatre this turn."""
        return sum(c.capacity for c in self.channels.values() if c.kind == "source" and c.working)

    @property
    def demand(self) -> float:
        return sum(u.demand for u in self.units.values())

    @property
    def delivered(self) -> float:
        return sum(u.delivered for u in self.units.values())

    def summary(self) -> dict[str, Any]:
        """Plain data for ctx.scratch and the log: channels and the side's totals."""
        return {
            "channels": {cid: c.summary() for cid, c in self.channels.items()},
            "capacity": self.capacity,
            "demand": self.demand,
            "delivered": self.delivered,
        }


def unit_demand(unit: UnitState, days: int = 7) -> float:
    """Supply points a unit needs over `days` days."""
    weekly = sum(getattr(unit, name) * rate for name, rate in DEMAND_PER_WEEK.items())
    return weekly * days / 7


# --- tracing ---------------------------------------------------------------------------------


def trace_supply(state: GameState, side: str, season: str | None = None) -> SupplyResult:
    """Where `side`'s supply can go in the turn about to be resolved, and what each unit gets.

    Pure: the window and the AI call it to show or weigh supply; the phase applies it.
    """
    return trace_all(state, (side,), season)[side]


def trace_all(
    state: GameState, sides: tuple[str, ...] | None = None, season: str | None = None
) -> dict[str, SupplyResult]:
    """`trace_supply` for several sides at once, in one pass over the map (their grounds
    never overlap), which is what the phase uses."""
    theatre = state.theatre
    if sides is None:
        sides = tuple(s for s in SIDE_IDS if s in state.national_morale)
    _, last_day = turn_days(state)
    season = season or season_in(state)
    occupancy = state.occupancy()
    area = np.zeros(theatre.n, dtype=np.int8)
    by_side: dict[str, dict[str, ChannelFlow]] = {}
    order: list[ChannelFlow] = []
    regions: list[int] = []
    for side in sides:
        ground = supply_ground(theatre, state.control, occupancy, side)
        area[ground] = SIDE_CODES[side]
        channels = _channels(state, side, ground, occupancy, last_day)
        by_side[side] = channels
        order.extend(channels.values())
        regions.extend([SIDE_CODES[side]] * len(channels))

    empty = np.zeros(0, dtype=np.int64)
    seeds = [c.delivery if c.working else empty for c in order]
    cost, via = nearest_channel(theatre, season, area, seeds, SUPPLY_RANGE, regions)
    region_of = np.asarray(regions + [0], dtype=np.int8)

    days = state.scenario.turn_days
    drawing: dict[str, list[tuple[UnitState, int, float]]] = {side: [] for side in sides}
    for u in state.units.values():
        if not u.active or u.side not in drawing or u.index < 0:
            continue
        k = int(via[u.index])
        if k >= 0 and regions[k] != SIDE_CODES[u.side]:
            k = -1
        demand = unit_demand(u, days)
        drawing[u.side].append((u, k, demand))
        if k >= 0:
            order[k].demand += demand
            order[k].units.append(u.id)

    touching: set[tuple[int, int]] = set()
    if POOL_BORDERING_CHANNELS:
        apart = {s.id for s in state.scenario.supply.sources if not s.pools}
        pools = np.array([c.source not in apart for c in order], dtype=bool)
        touching = _touching(theatre, via, regions, pools)
    groups = _meeting_channels(order, regions, touching)
    pooled_demand = _spread_demand(order, groups)
    _share_capacity(order)

    results: dict[str, SupplyResult] = {}
    homes = _home_villages(state)
    for side in sides:
        units: dict[str, UnitSupply] = {}
        for u, k, demand in drawing[side]:
            stores = home_stores(state, u, demand, homes)
            if k < 0:
                units[u.id] = UnitSupply(u.id, "", float("inf"), demand, 0.0, stores)
                continue
            flow = order[k]
            if k in groups:
                members = groups[k]
                total = pooled_demand[k]
                got = sum(order[j].delivered for j in members) * demand / total if total else 0.0
            else:
                got = flow.delivered * demand / flow.demand if flow.demand > 0 else 0.0
            units[u.id] = UnitSupply(u.id, flow.id, float(cost[u.index]), demand, got, stores)
        code = SIDE_CODES[side]
        first = regions.index(code) if code in regions else 0
        mine = (via >= 0) & (region_of[np.maximum(via, 0)] == code)
        side_cost = np.where(mine, cost, np.inf)
        side_via = np.where(mine, via - first, -1).astype(np.int32)
        side_cost.setflags(write=False)
        side_via.setflags(write=False)
        results[side] = SupplyResult(side, season, by_side[side], units, side_cost, side_via)
    return results


_HOMES: dict[tuple, tuple[object, Any]] = {}


def _home_villages(state: GameState) -> dict[str, int]:
    """Militia unit id -> hex index of the village it was raised in. Cached per scenario."""
    return per_scenario(_HOMES, state, _find_home_villages)


def _find_home_villages(state: GameState) -> dict[str, int]:
    # Imported here: the control phase reads this module's thresholds (cut-off troops hold
    # only their own hex), so a module-level import would be circular.
    from sim.rules.control import settlement_at

    theatre = state.theatre
    out: dict[str, int] = {}
    for unit in state.scenario.units:
        if unit.type != "militia":
            continue
        index = theatre.index_of(unit.hex)
        if index is None:
            continue
        place = settlement_at(theatre, index)
        if place is not None and place.kind == "village":
            out[unit.id] = index
    return out


def home_stores(
    state: GameState, unit: UnitState, demand: float, homes: dict[str, int] | None = None
) -> float:
    """Supply points a militia draws this turn from the stores of its own village, which its
    side still holds; 0 for any other unit or anywhere else."""
    if homes is None:
        homes = _home_villages(state)
    home = homes.get(unit.id)
    if home is None or unit.index != home:
        return 0.0
    if int(state.control[home]) != SIDE_CODES[unit.side]:
        return 0.0
    return HOME_STORES * demand


def _channels(
    state: GameState,
    side: str,
    ground: np.ndarray,
    occupancy: np.ndarray,
    last_day: dt.date,
) -> dict[str, ChannelFlow]:
    """Every channel of `side` in scenario order (sources, lines, airlifts), rated and checked."""
    scenario = state.scenario
    theatre = state.theatre
    routes = line_routes(state)
    enemy = SIDE_CODES[other_side(side)]
    channels: dict[str, ChannelFlow] = {}

    def rated(c: Channel, kind: str, source: str) -> ChannelFlow:
        flow = ChannelFlow(c.id, kind, channel_name(c), source, c.capacity.midpoint)
        flow.factor = state.capacity_factor.get(c.id, 1.0)
        reduction = 0.0
        for b in scenario.blockades:
            if b.target == c.id and blockade_active(b, state, last_day):
                r = b.reduction.midpoint
                flow.blockades.append({"id": b.id, "by": b.by, "reduction": r})
                reduction += r
        flow.capacity = flow.nominal * flow.factor * max(0.0, 1.0 - reduction)
        if flow.capacity <= 0:
            flow.status = "out of use" if flow.factor <= 0 or not flow.blockades else "blockaded"
        return flow

    def parent_working(flow: ChannelFlow) -> bool:
        parent = channels.get(flow.source)
        return parent is not None and parent.working

    for s in scenario.supply.sources:
        if s.side != side:
            continue
        flow = rated(s, "source", s.id)
        entry = theatre.index_of(s.hex)
        if flow.status:
            pass
        elif entry is None or not ground[entry]:
            flow.status = "entry lost"
        else:
            flow.working, flow.status = True, "open"
            flow.delivery = np.array([entry], dtype=np.int64)
        channels[s.id] = flow

    for line in scenario.supply.lines:
        if line.side != side:
            continue
        flow = rated(line, "line", line.supply_source)
        route, start = routes[line.id]
        if not line_open(line, state, last_day):
            flow.status = "not yet open" if line.opens and line.opens > last_day else "closed"
        elif flow.status:
            pass
        elif not parent_working(flow):
            flow.status = "source lost"
        else:
            lo, hi = route_reach(route, start, ground)
            ends = [p for p in (lo - 1, hi + 1) if 0 <= p < len(route) and route[p] >= 0]
            flow.cut_at = [
                int(route[p]) for p in ends if _enemy_near(theatre, occupancy, enemy, route[p])
            ]
            if hi < lo:
                flow.status = "blocked at its start"
            else:
                flow.working = True
                flow.status = "cut" if flow.cut_at else "open"
                flow.delivery = route[lo : hi + 1].copy()
        channels[line.id] = flow

    for a in scenario.supply.airlifts:
        if a.side != side:
            continue
        flow = rated(a, "airlift", a.supply_source)
        dest = theatre.index_of(a.hex)
        if not airlift_in_service(a, state, last_day):
            flow.status = "ended"
        elif flow.status:
            pass
        elif not parent_working(flow):
            flow.status = "source lost"
        elif dest is None or state.control[dest] != SIDE_CODES[side] or occupancy[dest] == enemy:
            flow.status = "landing place lost"
        else:
            flow.working, flow.status = True, "open"
            flow.delivery = np.array([dest], dtype=np.int64)
        channels[a.id] = flow
    return channels


def _enemy_near(theatre: Theatre, occupancy: np.ndarray, enemy: int, index: int) -> bool:
    """An enemy unit stands in or next to this hex (not merely enemy-held ground)."""
    if occupancy[index] == enemy:
        return True
    return any(occupancy[j] == enemy for j in theatre.neighbours[index] if j >= 0)


def _touching(
    theatre: Theatre, via: np.ndarray, regions: list[int], pools: np.ndarray
) -> set[tuple[int, int]]:
    """Pairs of channels (by position, the lower first) of one side whose areas border each
    other: a hex that draws on one lies next to a hex that draws on the other. Channels whose
    `pools` is False (their source says `pools = false`) are in no pair."""
    nb = theatre.neighbours
    here = np.broadcast_to(via[:, None], nb.shape)
    there = np.where(nb >= 0, via[np.maximum(nb, 0)], -1)
    border = (here >= 0) & (there >= 0) & (here < there)
    if not border.any():
        return set()
    region = np.asarray(regions, dtype=np.int64)
    a, b = here[border], there[border]
    keep = (region[a] == region[b]) & pools[a] & pools[b]
    return set(zip(a[keep].tolist(), b[keep].tolist(), strict=True))


def _meeting_channels(
    order: list[ChannelFlow], regions: list[int], touching: Collection[tuple[int, int]] = ()
) -> dict[int, tuple[int, ...]]:
    """Channels of one side that deliver at a common hex, or whose areas border each other
    (`touching`), and draw on different sources, by position in `order`: each maps to every
    member of its group (itself included).

    A unit draws on the cheapest channel that reaches it, and channels that deliver at the same
    hex cost it the same: without pooling, the first of them takes every unit there and the
    others carry nothing (the helicopters landing at Stepanakert beside the enclave's own
    stores). Where channels meet, their loads are one pool for the units they feed. So too,
    with `POOL_BORDERING_CHANNELS`, where their areas border (`touching`): the side's ground
    between them is open to its lorries.
    """
    parent = list(range(len(order)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first_at: dict[tuple[int, int], int] = {}
    for k, c in enumerate(order):
        if not c.working:
            continue
        for h in c.delivery.tolist():
            j = first_at.setdefault((regions[k], h), k)
            if j != k and order[j].source != c.source:
                parent[root(k)] = root(j)
    for a, b in sorted(touching):
        if order[a].working and order[b].working and order[a].source != order[b].source:
            parent[root(b)] = root(a)
    members: dict[int, list[int]] = {}
    for k in range(len(order)):
        members.setdefault(root(k), []).append(k)
    return {k: tuple(group) for group in members.values() if len(group) > 1 for k in group}


def _spread_demand(
    order: list[ChannelFlow], groups: dict[int, tuple[int, ...]]
) -> dict[int, float]:
    """Spread each group's demand over its members by what each can carry (so each carries
    its share of the pool); returns, per member, the whole group's demand.

    What a line or airlift can carry is its capacity, but no more than its source's: a
    25-point road from a 12-point source is a 12-point road to the pool."""
    sources = {c.id: c.capacity for c in order if c.kind == "source"}
    pooled: dict[int, float] = {}
    for k, members in groups.items():
        if members[0] != k:
            continue
        can = {j: min(order[j].capacity, sources.get(order[j].source, 0.0)) for j in members}
        total = sum(order[j].demand for j in members)
        room = sum(can.values())
        for j in members:
            pooled[j] = total
            if room > 0:
                order[j].demand = total * can[j] / room
    return pooled


def _share_capacity(order: list[ChannelFlow]) -> None:
    """Fill `delivered` for every channel: lines and airlifts claim on their source's pool.

    Each channel asks for its units' demand up to its own capacity; when a source's own units
    and its lines and airlifts together ask for more than the source's capacity, each of them
    gets the same fraction of what it asked for.
    """
    by_id = {c.id: c for c in order}
    pools: dict[str, list[ChannelFlow]] = {}
    for c in order:
        pools.setdefault(c.source, []).append(c)
    for source_id, members in pools.items():
        source = by_id.get(source_id)
        asks = [min(c.demand, c.capacity) if c.working else 0.0 for c in members]
        total = sum(asks)
        room = source.capacity if source is not None and source.working else 0.0
        scale = 1.0 if total <= room else room / total
        for c, ask in zip(members, asks, strict=True):
            c.delivered = min(ask * scale, c.capacity)


_ROUTES: dict[tuple, tuple[object, Any]] = {}


def line_routes(state: GameState) -> dict[str, tuple[np.ndarray, int]]:
    """Per line: its route as hex indices (-1 off the map) and where its source joins it.

    The join is the route hex nearest to the source's entry hex (the first such along the
    route), so a source placed a hex off the road still feeds it. Cached per scenario object.
    """
    return per_scenario(_ROUTES, state, _find_line_routes)


def _find_line_routes(state: GameState) -> dict[str, tuple[np.ndarray, int]]:
    scenario = state.scenario
    theatre = state.theatre
    out: dict[str, tuple[np.ndarray, int]] = {}
    for line in scenario.supply.lines:
        hexes = theatre.routes[line.route].hexes
        route = np.array([_index_or_none(theatre, h) for h in hexes], dtype=np.int64)
        source = scenario.supply.get(line.supply_source)
        start = 0
        if source is not None:
            start = min(range(len(hexes)), key=lambda k: hex_distance(hexes[k], source.hex))
        route.setflags(write=False)
        out[line.id] = (route, start)
    return out


def _index_or_none(theatre: Theatre, h) -> int:
    i = theatre.index_of(h)
    return -1 if i is None else i


# --- the phase -------------------------------------------------------------------------------


def run(ctx: TurnContext) -> None:
    """Trace each side's supply, apply shortages, replenish ammunition and log it all.

    Leaves for later phases: `ctx.scratch["supply"]` ({side: channels, capacity, demand,
    delivered}), `ctx.scratch["supply_results"]` ({side: SupplyResult}, with the per-hex trace)
    and `ctx.scratch["attrition"]` ({side: men and equipment lost to lack of supply}).
    """
    state = ctx.state
    flows: dict[str, dict[str, Any]] = {}
    results: dict[str, SupplyResult] = {}
    for side, result in trace_all(state, None, ctx.season).items():
        _apply(ctx, result)
        results[side] = result
        flows[side] = result.summary()
    ctx.scratch["supply"] = flows
    ctx.scratch["supply_results"] = results
    ctx.scratch.setdefault("attrition", {})


def _apply(ctx: TurnContext, result: SupplyResult) -> None:
    state = ctx.state
    side = result.side
    cut: list[str] = []
    short: list[str] = []
    for uid, us in result.units.items():
        u = state.units[uid]
        share = us.share
        was_cut = u.turns_cut
        was_on_stores = u.supply_via == STORES
        u.supply, u.supply_via = share, us.channel
        if us.stores > 0 and us.channel_share < CUT_OFF <= share:
            u.supply_via = STORES
            if not was_on_stores:  # said once, when the roads close, as for a cut-off unit
                _record_stores(ctx, u, us)
        if share < CUT_OFF:
            u.turns_cut += 1
            u.morale = max(0.0, u.morale - MORALE_LOSS_CUT_OFF)
            cut.append(uid)
            if was_cut == 0:
                _record_cut_off(ctx, u, us, result)
            if u.turns_cut > CUT_GRACE_TURNS:
                _attrition(ctx, u, us)
            continue
        u.turns_cut = 0
        if was_cut and us.channel_share >= CUT_OFF:
            _record_relief(ctx, u, us, result, was_cut)
        if share < SHORT:
            u.morale = max(0.0, u.morale - MORALE_LOSS_SHORT)
            short.append(uid)
    before = state.ammunition.get(side, 0.0)
    added = AMMUNITION_SHARE * result.delivered
    state.ammunition[side] = before + added
    _record_summary(ctx, result, cut, short, before, added)


def _record_summary(
    ctx: TurnContext,
    result: SupplyResult,
    cut: list[str],
    short: list[str],
    ammunition_before: float,
    ammunition_added: float,
) -> None:
    side = result.side
    theatre = ctx.state.theatre
    notes = []
    for c in result.channels.values():
        if c.status in ("blockaded", "out of use", "entry lost", "source lost",
                        "landing place lost", "blocked at its start"):
            notes.append(f"{c.name}: {STATUS_PHRASES[c.status]}")
        elif c.status == "cut":
            notes.append(f"{c.name}: cut {where(theatre, c.cut_at[0])}")
    counts = []
    if cut:
        counts.append(f"{count(len(cut), 'unit')} cut off")
    if short:
        counts.append(f"{count(len(short), 'unit')} short")
    text = (
        f"{SIDE_ADJECTIVES[side]} supply: {points(result.delivered)} of "
        f"{points(result.demand)} points needed delivered "
        f"({points(result.capacity)} available)"
    )
    text += "".join(f"; {n}" for n in notes + counts) + "."
    data = {
        "side": side,
        "season": result.season,
        **result.summary(),
        "cut_off": {uid: result.units[uid].share for uid in cut},
        "short": {uid: result.units[uid].share for uid in short},
        "ammunition": {
            "before": ammunition_before,
            "added": ammunition_added,
            "after": ammunition_before + ammunition_added,
            "share_of_delivered": AMMUNITION_SHARE,
        },
        "rules": {
            "range": SUPPLY_RANGE,
            "cut_off_below": CUT_OFF,
            "short_below": SHORT,
            "morale_cut_off": -MORALE_LOSS_CUT_OFF,
            "morale_short": -MORALE_LOSS_SHORT,
        },
    }
    ctx.record("supply", text, data)


STATUS_PHRASES: dict[str, str] = {
    "blockaded": "closed by blockade",
    "out of use": "out of use",
    "entry lost": "its entry point is lost",
    "source lost": "its source is cut",
    "landing place lost": "its landing place is lost",
    "blocked at its start": "blocked where it starts",
    "not yet open": "not yet open",
    "closed": "closed",
    "ended": "ended",
}


def _record_cut_off(
    ctx: TurnContext, u: UnitState, us: UnitSupply, result: SupplyResult
) -> None:
    theatre = ctx.state.theatre
    if us.channel:
        flow = result.channels[us.channel]
        why = f"{flow.name} gives it only {us.share:.0%} of its needs"
    else:
        why = (
            f"no {SIDE_ADJECTIVES[u.side]} supply channel reaches it within "
            f"{SUPPLY_RANGE:g} movement points"
        )
    text = f"{u.name} {where(theatre, u.index)} ({men(u.men)}) is cut off from supply: {why}."
    ctx.record("cut_off", text, _unit_data(ctx, u, us))


def _record_stores(ctx: TurnContext, u: UnitState, us: UnitSupply) -> None:
    theatre = ctx.state.theatre
    text = (
        f"{u.name} {where(theatre, u.index)} ({men(u.men)}) gets {us.channel_share:.0%} of its "
        f"needs by road or air but lives on its own village's stores: short of supply "
        f"({us.share:.0%}), not cut off."
    )
    data = _unit_data(ctx, u, us)
    data["stores"] = us.stores
    ctx.record("stores", text, data)


def _record_relief(
    ctx: TurnContext, u: UnitState, us: UnitSupply, result: SupplyResult, turns: int
) -> None:
    theatre = ctx.state.theatre
    flow = result.channels[us.channel]
    text = (
        f"{u.name} {where(theatre, u.index)} is back in supply after "
        f"{count(turns, 'turn')} cut off: {flow.name} meets {us.share:.0%} of its needs."
    )
    data = _unit_data(ctx, u, us)
    data["turns_cut_before"] = turns
    ctx.record("relieved", text, data)


def _attrition(ctx: TurnContext, u: UnitState, us: UnitSupply) -> None:
    """Strength lost by a unit cut off too long, counted in its side's losses."""
    state = ctx.state
    before = u.strength()
    losses = {name: before[name] * ATTRITION_RATE for name in FORCE_FIELDS}
    tally = state.losses.setdefault(u.side, dict.fromkeys(FORCE_FIELDS, 0.0))
    turn_tally = ctx.scratch.setdefault("attrition", {}).setdefault(
        u.side, dict.fromkeys(FORCE_FIELDS, 0.0)
    )
    for name, lost in losses.items():
        setattr(u, name, before[name] - lost)
        tally[name] = tally.get(name, 0.0) + lost
        turn_tally[name] += lost
    parts = [men(losses["men"])] + [
        equipment(name, losses[name]) for name in FORCE_FIELDS[1:] if losses[name] >= 0.5
    ]
    text = (
        f"{u.name} {where(state.theatre, u.index)}, cut off for "
        f"{count(u.turns_cut, 'turn')}, lost {join(parts)} to hunger, cold, untreated wounds "
        f"and desertion ({ATTRITION_RATE:.0%} of its strength)."
    )
    data = _unit_data(ctx, u, us)
    data.update({
        "inputs": {"turns_cut": u.turns_cut, "grace_turns": CUT_GRACE_TURNS,
                   "rate": ATTRITION_RATE, "supply": us.share},
        "before": before,
        "losses": losses,
        "after": u.strength(),
    })
    ctx.record("attrition", text, data)


def _unit_data(ctx: TurnContext, u: UnitState, us: UnitSupply) -> dict[str, Any]:
    data: dict[str, Any] = {
        "unit": u.id,
        "side": u.side,
        "hex": ctx.state.theatre.hex_of(u.index).as_list(),
        "supply": us.share,
        "via": us.channel,
        "demand": us.demand,
        "delivered": us.delivered,
        "path_cost": us.cost if np.isfinite(us.cost) else None,
        "turns_cut": u.turns_cut,
        "morale": u.morale,
    }
    place = place_at(ctx.state.theatre).get(u.index)
    if place:
        data["place"] = place
    return data
