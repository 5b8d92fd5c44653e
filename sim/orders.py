"""Orders are small frozen values; checking them gives reasons, never silent fixes.

Two kinds of mistake, two errors (as python-chess separates them): a `MalformedOrder` cannot
mean anything (unknown unit, not a hex, wrong shape in a save file); an `IllegalOrder` is
well formed but the rules forbid it now (the unit cannot reach that hex, the target is not
adjacent). Both carry the reason a player or a log reader sees.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sim.hexgrid import Hex


class OrderError(ValueError):
    """An order that cannot be carried out; the message says why."""


class MalformedOrder(OrderError):
    """The order is not a valid order at all."""


class IllegalOrder(OrderError):
    """The order is well formed but the rules do not allow it in this position."""


@dataclass(frozen=True, slots=True)
class Move:
    """Move one unit to a hex it can reach this turn (the rules pick the cheapest path)."""

    unit: str
    to: Hex

    def to_dict(self) -> dict[str, Any]:
        return {"order": "move", "unit": self.unit, "to": self.to.as_list()}


@dataclass(frozen=True, slots=True)
class Attack:
    """Attack an adjacent enemy hex with one or more units, possibly from several hexes."""

    target: Hex
    units: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"order": "attack", "target": self.target.as_list(), "units": list(self.units)}


Order = Move | Attack


def order_from_dict(data: Mapping[str, Any]) -> Order:
    """Rebuild an order from a save file, refusing anything that is not exactly an order."""
    if not isinstance(data, Mapping):
        raise MalformedOrder(f"an order must be a table, found {type(data).__name__}")
    kind = data.get("order")
    try:
        if kind == "move":
            _only(data, {"order", "unit", "to"})
            return Move(_unit_id(data["unit"]), _hex(data["to"]))
        if kind == "attack":
            _only(data, {"order", "target", "units"})
            units = data["units"]
            if not isinstance(units, list) or not units:
                raise MalformedOrder("an attack needs a non-empty list of units")
            return Attack(_hex(data["target"]), tuple(_unit_id(u) for u in units))
    except KeyError as missing:
        raise MalformedOrder(f"a {kind} order needs {missing}") from None
    raise MalformedOrder(f"unknown order {kind!r} (expected 'move' or 'attack')")


def _only(data: Mapping[str, Any], allowed: set[str]) -> None:
    extra = sorted(set(data) - allowed)
    if extra:
        raise MalformedOrder(f"unexpected keys in order: {', '.join(extra)}")


def _unit_id(value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise MalformedOrder(f"a unit id must be a non-empty string, found {value!r}")
    return value


def _hex(value: Any) -> Hex:
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not all(isinstance(v, int) and not isinstance(v, bool) for v in value)
    ):
        raise MalformedOrder(f"a hex must be [q, r] with two integers, found {value!r}")
    return Hex(value[0], value[1])
