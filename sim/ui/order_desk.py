"""Giving orders in the window: selecting units, moves, planning an attack with its odds,
undo and cancel.

Every order goes through the rules' own `check_orders` before it is accepted, and the odds
shown while an attack is planned are `sim.rules.combat_inputs.plan_attack` through
`sim.rules.combat_odds.odds`, against the position at the start of the turn (`shown`), which
is what the movement and combat phases check them against. `OrderDesk` is mixed into
`GameScene` and uses its `shown` state, `orders`, `planning`, `selected`, `selected_hex`,
`cursor`, `reach`, `mode`, `active_side`, `busy`, `status` and `painter`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sim.orders import Attack, IllegalOrder, Move, Order
from sim.rules.combat_inputs import plan_attack
from sim.rules.combat_odds import odds
from sim.rules.context import season_in
from sim.rules.control import describe_hex
from sim.rules.legality import check_orders, hex_label
from sim.rules.reach import reachable
from sim.state import UnitState
from sim.ui.panels import OddsView


@dataclass(slots=True)
class Planning:
    """An attack being planned: the target, the units that could join, those chosen."""

    target: int
    candidates: list[str]
    chosen: list[str]
    odds_view: OddsView | None = None
    legal: bool = False


@dataclass(slots=True)
class TurnOrders:
    by_side: dict[str, list[Order]] = field(default_factory=dict)

    def of(self, side: str) -> list[Order]:
        return self.by_side.setdefault(side, [])


class OrderDesk:
    """Orders for the side at the controls, for `GameScene`."""

    @property
    def can_order(self) -> bool:
        return self.mode == "orders" and self.active_side is not None and not self.busy

    def units_at(self, index: int) -> list[UnitState]:
        units = [u for u in self.shown.units.values() if u.active and u.index == index]
        units.sort(key=lambda u: (u.is_air, -u.men))
        return units

    def order_of(self, unit_id: str) -> Order | None:
        for side_orders in self.orders.by_side.values():
            for o in side_orders:
                if (isinstance(o, Move) and o.unit == unit_id) or (
                    isinstance(o, Attack) and unit_id in o.units
                ):
                    return o
        return None

    def order_words(self) -> dict[str, str]:
        out = {}
        theatre = self.shown.theatre
        for side_orders in self.orders.by_side.values():
            for o in side_orders:
                if isinstance(o, Move):
                    i = theatre.index_of(o.to)
                    out[o.unit] = f"move to {hex_label(theatre, i)}" if i is not None else "move"
                else:
                    i = theatre.index_of(o.target)
                    where = hex_label(theatre, i) if i is not None else "?"
                    for uid in o.units:
                        out[uid] = f"attack {where}"
        return out

    def select(self, unit_id: str | None) -> None:
        self.planning = None
        self.selected = unit_id
        self.reach = {}
        if unit_id is None:
            return
        unit = self.shown.units[unit_id]
        self.selected_hex = unit.index
        if self.can_order and unit.side == self.active_side and self.order_of(unit_id) is None:
            if not unit.is_air:
                self.reach = reachable(self.shown, unit_id)
        if self.cursor < 0:
            self.cursor = unit.index

    def act_at(self, index: int) -> None:
        """A click (or Enter at the cursor) on hex `index`: select, move, plan or confirm."""
        if index < 0 or self.busy or self.mode == "over":
            if index >= 0:
                self._select_for_view(index)
            return
        planning = self.planning
        if planning is not None:
            if index == planning.target:
                self.confirm_attack()
                return
            self.planning = None
        side = self.active_side
        here = self.units_at(index)
        unit = self.shown.units.get(self.selected) if self.selected else None
        if (
            unit is not None
            and self.can_order
            and unit.side == side
            and self.order_of(unit.id) is None
            and index != unit.index
        ):
            enemy_ground = [u for u in here if u.side != side and not u.is_air]
            if enemy_ground:
                self.plan_attack_on(index)
                return
            if not any(u.side == side for u in here) or index in self.reach:
                self.give(Move(unit.id, self.shown.theatre.hex_of(index)))
                return
        own = [u for u in here if u.side == side] if side else []
        pool = own or here
        if pool:
            ids = [u.id for u in pool]
            if self.selected in ids:
                nxt = ids[(ids.index(self.selected) + 1) % len(ids)]
            else:
                nxt = ids[0]
            self.select(nxt)
            self.selected_hex = index
        else:
            self.select(None)
            self.selected_hex = index

    def _select_for_view(self, index: int) -> None:
        here = self.units_at(index)
        self.selected = here[0].id if here else None
        self.selected_hex = index
        self.reach = {}

    def give(self, order: Order) -> bool:
        """Add an order for the side at the controls if the rules accept it; else say why."""
        side = self.active_side
        if side is None:
            return False
        mine = self.orders.of(side)
        verdicts = check_orders(self.shown, side, [*mine, order])
        verdict = verdicts[-1]
        if not verdict.legal:
            self.status = f"Not possible: {verdict.error}"
            return False
        mine.append(order)
        words = self.order_words()
        uid = order.unit if isinstance(order, Move) else order.units[0]
        self.status = f"{self.shown.units[uid].name}: {words.get(uid, '')}. (Ctrl+Z undoes.)"
        self.reach = {}
        self.planning = None
        self._after_order_change()
        return True

    def undo(self) -> None:
        side = self.active_side
        if side is None or not self.can_order:
            return
        mine = self.orders.of(side)
        if self.planning is not None:
            self.planning = None
            return
        if not mine:
            self.status = "No order to undo this turn."
            return
        order = mine.pop()
        uid = order.unit if isinstance(order, Move) else order.units[0]
        self.status = f"Undone: the order for {self.shown.units[uid].name}."
        self._after_order_change()
        self.select(uid)

    def _cancel_selected_order(self) -> None:
        side = self.active_side
        if side is None or self.selected is None or not self.can_order:
            return
        order = self.order_of(self.selected)
        if order is None:
            return
        self.orders.of(side).remove(order)
        self.status = "Order cancelled."
        self._after_order_change()
        self.select(self.selected)

    def _after_order_change(self) -> None:
        self.painter.clear()

    def plan_attack_on(self, target: int) -> None:
        side = self.active_side
        if side is None:
            return
        unit = self.shown.units.get(self.selected) if self.selected else None
        candidates = self._attack_candidates(target)
        if not candidates:
            self.status = (
                "No unit of yours without orders stands next to that hex; attacks are made "
                "from adjacent hexes."
            )
            return
        chosen = [unit.id] if unit is not None and unit.id in candidates else [candidates[0]]
        self.planning = Planning(target, candidates, chosen)
        self._replan()

    def _attack_candidates(self, target: int) -> list[str]:
        side = self.active_side
        nb = set(int(j) for j in self.shown.theatre.neighbours[target] if j >= 0)
        out = [
            u.id
            for u in self.shown.units.values()
            if u.active
            and u.side == side
            and not u.is_air
            and u.index in nb
            and self.order_of(u.id) is None
        ]
        sel = self.selected
        out.sort(key=lambda uid: (uid != sel, self.shown.units[uid].name))
        return out

    def _air_taken(self) -> set[str]:
        """Air units earlier planned attacks of this side will use (they fly once a turn)."""
        side = self.active_side
        taken: set[str] = set()
        season = season_in(self.shown)
        for o in self.orders.of(side) if side else []:
            if not isinstance(o, Attack):
                continue
            i = self.shown.theatre.index_of(o.target)
            if i is None:
                continue
            try:
                plan = plan_attack(
                    self.shown,
                    i,
                    o.units,
                    season,
                    side=side,
                    air_taken=taken,
                    last_combat=self.shown.last_combat,
                )
            except IllegalOrder:
                continue
            taken |= set(plan.air)
        return taken

    def _replan(self) -> None:
        p = self.planning
        if p is None:
            return
        state = self.shown
        theatre = state.theatre
        name = describe_hex(theatre, p.target)
        defenders = [u.name for u in self.units_at(p.target) if u.side != self.active_side]
        attackers = [
            (n + 1, state.units[uid].name, uid in p.chosen) for n, uid in enumerate(p.candidates)
        ]
        view = OddsView(name, None, attackers, [], defenders, [], ("", ""))
        if not p.chosen:
            view.problem = "Choose at least one attacking unit (press its number)."
            p.odds_view, p.legal = view, False
            return
        order = Attack(theatre.hex_of(p.target), tuple(p.chosen))
        verdict = check_orders(state, self.active_side, [*self.orders.of(self.active_side), order])[
            -1
        ]
        try:
            plan = plan_attack(
                state,
                p.target,
                p.chosen,
                season_in(state),
                side=self.active_side,
                air_taken=self._air_taken(),
                last_combat=state.last_combat,
            )
        except IllegalOrder as err:
            view.problem = str(err)
            p.odds_view, p.legal = view, False
            return
        view.odds = odds(plan.inputs)
        view.air = [state.units[a].name for a in plan.air]
        view.modifiers = [(m.side, m.factor, m.reason) for m in plan.inputs.modifiers]
        view.supply = plan.supply
        if not verdict.legal:
            view.problem = f"Not possible: {verdict.error}"
        p.odds_view, p.legal = view, verdict.legal

    def _toggle_attacker(self, spec: str) -> None:
        p = self.planning
        if p is None or not spec.isdigit():
            return
        n = int(spec) - 1
        if not 0 <= n < len(p.candidates):
            return
        uid = p.candidates[n]
        if uid in p.chosen:
            p.chosen.remove(uid)
        else:
            p.chosen.append(uid)
        self._replan()

    def confirm_attack(self) -> None:
        p = self.planning
        if p is None:
            return
        if not p.legal:
            self.status = (p.odds_view.problem if p.odds_view else "") or "Attack not possible."
            return
        order = Attack(self.shown.theatre.hex_of(p.target), tuple(p.chosen))
        self.give(order)

    def _cancel(self) -> None:
        if self.planning is not None:
            self.planning = None
            self.status = "Attack not ordered."
        elif self.selected is not None:
            self.select(None)
            self.selected_hex = -1
