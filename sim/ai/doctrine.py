"""How each side fights and how hard the AI thinks: the knobs the planner reads.

The source describes two different armies, and the AI plays them differently:

- The Armenian side fought in small mobile detachments of volunteers and local men who knew
  the mountains ("self-defence units" that grew into the Nagorno-Karabakh Defence Army). In
  the AI: it sees further over its home ground (`local_sight`: two hexes instead of one
  inside the 1991 NKAO, where villagers and local fighters reported), raids enemy supply
  roads more often and first (`raid_first`), and values mountain fighting, where its light
  infantry did best.
- The Azerbaijani side had the larger stocks of armour, artillery and, from 1992, aircraft
  and helicopters, but its army was forming amid political turmoil (three heads of state in
  two years, units loyal to commanders rather than to Baku). In the AI: it commits all its air
  support to its attacks, prefers open ground where armour counts, keeps more units back to
  hold towns, and when its national morale falls its orders become erratic (`turmoil`: some
  attacks and moves are simply not carried out, drawn from the controller's generator).

Levels (`--ai-level`): 1 attacks on thin odds, reacts late to cut-off units, does not raid,
never pulls back from a position about to be overrun, lays no sieges, does not fight harder
for its own supply road when it starves and drops some orders (blunders); 2 is the ordinary
commander; 3 is more careful with odds, holds its key places to a smaller risk, pulls back
sooner, lays two sieges at once, masses units for attacks that
are nearly good enough from further off and looks further for reinforcements.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from sim.errors import UserError

LEVELS = (1, 2, 3)
DEFAULT_LEVEL = 2


@dataclass(frozen=True, slots=True)
class Doctrine:
    """Every weight of one side's AI at one level."""

    side: str
    level: int
    attack_threshold: float
    """Least chance of taking the hex (the rules' odds) for an attack to be ordered."""
    min_ratio: float
    """Least attacker:defender power ratio after modifiers: below it an attack is hopeless."""
    winter_caution: float
    """Added to the threshold in winter (snow, short days, frozen supply)."""
    low_morale_caution: float
    """Added to the threshold when national morale is below 0.7."""
    min_unit_morale: float
    """Units with less morale do not attack."""
    defence_ratio: float
    """Own power wanted at a threatened objective, as a share of the enemy power near it."""
    reserve_share: float
    """Share of units out of contact kept back as a reserve."""
    search_budget: int
    """Most movement searches a turn (the speed budget; other units hold)."""
    relief: bool
    """Plans relief of cut-off units (attacks on their besiegers, moves toward them)."""
    withdraw_after: int
    """Turns cut off before a unit pulls back toward supply (1: at once)."""
    raids: int
    """Most units a turn sent to cut enemy supply roads."""
    raid_weight: float
    local_sight: bool
    """Sees two hexes deep over its home ground (the NKAO) instead of one."""
    terrain_bonus: tuple[tuple[str, float], ...]
    """Extra value of attacking a hex on this terrain (what the side fights well on)."""
    air_all: bool
    """Commits every air unit in range to its attacks, not only where it tips the odds."""
    turmoil_below: float
    """National morale below which its orders become erratic (0: never)."""
    blunder: float
    """Chance that any single order is dropped (level 1)."""
    stage_window: float
    """Targets whose odds fall short of the threshold by at most this much draw the units
    out of contact toward them (massing for next turn's attack); 0: no massing."""
    raid_first: bool
    """Sends its raiders against enemy supply roads before taking undefended places."""
    hold_risk: float
    """Chance of losing a key place (the enemy's odds against it) the AI reinforces it down to."""
    exposed_risk: float
    """Chance of losing an ordinary position from which its units pull back out of contact
    rather than wait to be routed (1: never)."""
    sieges: int
    """Most enemy-held key places a turn it gathers units round for an attack in strength."""
    open_supply: float = 0.0
    """How much lower the odds it accepts, at worst, for an attack or a siege on an
    enemy-held hex of its own supply line when its supply falls short of its need (scaled by
    the share of that need unmet): a starving side fights for its road; 0: never lower."""


_BASE = {
    1: dict(attack_threshold=0.35, min_ratio=0.8, winter_caution=0.0, low_morale_caution=0.0,
            min_unit_morale=0.3, defence_ratio=0.4, reserve_share=0.0, search_budget=24,
            relief=False, withdraw_after=2, raids=0, blunder=0.1, stage_window=0.0,
            hold_risk=0.5, exposed_risk=1.0, sieges=0, open_supply=0.0),
    2: dict(attack_threshold=0.5, min_ratio=1.2, winter_caution=0.05, low_morale_caution=0.05,
            min_unit_morale=0.45, defence_ratio=0.6, reserve_share=0.1, search_budget=40,
            relief=True, withdraw_after=1, raids=2, blunder=0.0, stage_window=0.25,
            hold_risk=0.35, exposed_risk=0.6, sieges=1, open_supply=0.25),
    3: dict(attack_threshold=0.55, min_ratio=1.4, winter_caution=0.05, low_morale_caution=0.1,
            min_unit_morale=0.5, defence_ratio=0.7, reserve_share=0.15, search_budget=56,
            relief=True, withdraw_after=1, raids=3, blunder=0.0, stage_window=0.4,
            hold_risk=0.3, exposed_risk=0.5, sieges=2, open_supply=0.25),
}

_STYLE = {
    "armenian": dict(
        raid_weight=1.5, local_sight=True, air_all=False, turmoil_below=0.0, raid_first=True,
        terrain_bonus=(("hills", 0.5), ("mountain", 1.0), ("high_mountain", 1.0)),
        extra_raids=1, reserve_factor=0.7,
    ),
    "azerbaijani": dict(
        raid_weight=1.0, local_sight=False, air_all=True, turmoil_below=0.8, raid_first=False,
        terrain_bonus=(("plain", 1.0), ("river_valley", 0.5)),
        extra_raids=0, reserve_factor=1.5,
    ),
}


def doctrine_for(side: str, level: int = DEFAULT_LEVEL) -> Doctrine:
    """The doctrine of `side` at `level`; a wrong level is the user's to fix."""
    if isinstance(level, bool) or not isinstance(level, int) or level not in LEVELS:
        raise UserError(f"the AI level must be 1, 2 or 3, not {level!r}")
    if side not in _STYLE:
        raise UserError(f"no AI doctrine for side {side!r}")
    base = dict(_BASE[level])
    style = dict(_STYLE[side])
    extra = style.pop("extra_raids")
    factor = style.pop("reserve_factor")
    doctrine = Doctrine(side=side, level=level, **base, **style)
    raids = base["raids"] + extra if base["raids"] else 0
    return replace(doctrine, raids=raids, reserve_share=min(0.4, base["reserve_share"] * factor))


def turmoil(doctrine: Doctrine, national_morale: float) -> float:
    """Chance that an order is lost to political turmoil at this national morale."""
    if national_morale >= doctrine.turmoil_below:
        return 0.0
    return min(0.5, (doctrine.turmoil_below - national_morale) * 1.5)
