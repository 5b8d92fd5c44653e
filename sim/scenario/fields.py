"""Typed reading of one TOML table, strictly: no coercion, every mistake reported, none fatal.

Each reader returns the value, or a default when the key is absent or wrong, after reporting
what was wrong; the loader keeps going so the user sees all mistakes in one run. A boolean is
never a number, a string is never a date, and `7.0` is not an integer.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date, datetime

from sim.hexgrid import Hex
from sim.scenario.model import Origin, Provenance, Quantity
from sim.scenario.problems import Report, describe, found_text, suggest

PROVENANCE_KEYS = ("source", "sources", "estimate", "why")
QUANTITY_KEYS = ("value", "low", "high", *PROVENANCE_KEYS)
LARGEST = 1e12

_MISSING = object()


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def range_text(lo: float | None, hi: float | None, what: str = "a number") -> str:
    def fmt(x: float) -> str:
        return str(int(x)) if float(x).is_integer() else str(x)

    if lo is not None and hi is not None:
        return f"{what} between {fmt(lo)} and {fmt(hi)}"
    if lo is not None:
        return f"{what} >= {fmt(lo)}"
    if hi is not None:
        return f"{what} <= {fmt(hi)}"
    return what


class Fields:
    """Reads the keys of one table; unknown keys are reported as soon as it is made."""

    def __init__(
        self, report: Report, origin: Origin, table: dict, allowed: Iterable[str] | None
    ) -> None:
        """`allowed` None: another reader of the same table checks its keys."""
        self.report = report
        self.origin = origin
        self.table = table
        self.allowed = tuple(allowed or ())
        self.borrows_provenance = False
        if allowed is not None:
            for key in table:
                if key not in self.allowed:
                    self.unknown(key)

    def unknown(self, key: str) -> None:
        hint = suggest(key, self.allowed)
        message = "unknown key" if hint else f"unknown key (allowed: {', '.join(self.allowed)})"
        self.report.add(self.origin, (key,), message, suggestion=hint)

    def has(self, key: str) -> bool:
        return key in self.table

    def problem(self, key: str | tuple, message: str | None = None, **kw: str | None) -> None:
        path = key if isinstance(key, tuple) else (key,)
        self.report.add(self.origin, path, message, **kw)

    def _get(self, key: str, required: bool, what: str) -> object:
        if key in self.table:
            return self.table[key]
        if required:
            self.report.add(
                self.origin, (), f'missing key "{key}" (expected {what})', expected=what
            )
        return _MISSING

    # --- scalar readers -------------------------------------------------------------

    def text(self, key: str, required: bool = False, default: str | None = None) -> str | None:
        value = self._get(key, required, "a string")
        if value is _MISSING:
            return default
        if not isinstance(value, str) or not value.strip():
            self.problem(key, expected="a non-empty string", found=found_text(value))
            return default
        return value

    def choice(
        self, key: str, options: Iterable[str], required: bool = False, default: str | None = None
    ) -> str | None:
        options = tuple(options)
        what = "one of " + ", ".join(f'"{o}"' for o in options)
        value = self._get(key, required, what)
        if value is _MISSING:
            return default
        if not isinstance(value, str):
            self.problem(key, expected=what, found=found_text(value))
            return default
        if value not in options:
            self.problem(
                key, expected=what, found=describe(value), suggestion=suggest(value, options)
            )
            return default
        return value

    def integer(
        self,
        key: str,
        lo: int | None = None,
        hi: int | None = None,
        required: bool = False,
        default: int | None = None,
    ) -> int | None:
        what = range_text(lo, hi, "an integer")
        value = self._get(key, required, what)
        if value is _MISSING:
            return default
        if not isinstance(value, int) or isinstance(value, bool):
            self.problem(key, expected=what, found=found_text(value))
            return default
        if (lo is not None and value < lo) or (hi is not None and value > hi):
            self.problem(key, expected=what, found=describe(value))
            return default
        return value

    def _number_ok(self, path: tuple, value: object, lo: float | None, hi: float | None) -> bool:
        what = range_text(lo, hi)
        if not _is_number(value):
            self.problem(path, expected=what, found=found_text(value))
            return False
        assert isinstance(value, int | float)
        if isinstance(value, float) and not math.isfinite(value):
            self.problem(path, expected=f"{what} (finite)", found=describe(value))
            return False
        if abs(value) > LARGEST:
            self.problem(path, expected=f"{what} (and below 1e12)", found=describe(value))
            return False
        if (lo is not None and value < lo) or (hi is not None and value > hi):
            self.problem(path, expected=what, found=describe(value))
            return False
        return True

    def number(
        self,
        key: str,
        lo: float | None = None,
        hi: float | None = None,
        required: bool = False,
        default: float | None = None,
    ) -> float | None:
        value = self._get(key, required, range_text(lo, hi))
        if value is _MISSING or not self._number_ok((key,), value, lo, hi):
            return default
        return float(value)  # type: ignore[arg-type]

    def flag(self, key: str, default: bool | None = None, required: bool = False) -> bool | None:
        value = self._get(key, required, "true or false")
        if value is _MISSING:
            return default
        if not isinstance(value, bool):
            self.problem(key, expected="true or false", found=found_text(value))
            return default
        return value

    def date(self, key: str, required: bool = False) -> date | None:
        what = "a date (written like 1992-05-09, without quotes)"
        value = self._get(key, required, what)
        if value is _MISSING:
            return None
        if isinstance(value, datetime) or not isinstance(value, date):
            self.problem(key, expected=what, found=found_text(value))
            return None
        return value

    def texts(self, key: str, required: bool = False) -> tuple[str, ...]:
        what = "an array of strings"
        value = self._get(key, required, what)
        if value is _MISSING:
            return ()
        if not isinstance(value, list):
            self.problem(key, expected=what, found=found_text(value))
            return ()
        out = []
        for i, item in enumerate(value):
            if isinstance(item, str) and item.strip():
                out.append(item)
            else:
                self.problem((key, i), expected="a non-empty string", found=found_text(item))
        return tuple(out)

    def hex(self, key: str) -> Hex | None:
        what = "a hex [q, r] of two integers"
        value = self._get(key, False, what)
        if value is _MISSING:
            return None
        ok = (
            isinstance(value, list)
            and len(value) == 2
            and all(isinstance(v, int) and not isinstance(v, bool) for v in value)
        )
        if not ok:
            self.problem(key, expected=what, found=found_text(value))
            return None
        return Hex(value[0], value[1])

    def table_of(self, key: str, required: bool = False) -> dict | None:
        value = self._get(key, required, "a table")
        if value is _MISSING:
            return None
        if not isinstance(value, dict):
            self.problem(key, expected="a table", found=found_text(value))
            return None
        return value

    def tables(self, key: str) -> list[tuple[int, dict]]:
        """An array of tables as (index, table) pairs; entries that are not tables reported."""
        value = self._get(key, False, "an array of tables")
        if value is _MISSING:
            return []
        if not isinstance(value, list):
            self.problem(key, expected="an array of tables", found=found_text(value))
            return []
        out = []
        for i, item in enumerate(value):
            if isinstance(item, dict):
                out.append((i, item))
            else:
                self.problem((key, i), expected="a table", found=found_text(item))
        return out

    # --- provenance and quantities ----------------------------------------------------

    def provenance(self) -> Provenance | None:
        """The table's own provenance: a citation, or an estimate with its reasoning."""
        table = self.table
        if not any(k in table for k in PROVENANCE_KEYS):
            return None
        source, sources = self.text("source"), self.texts("sources")
        estimate, why = self.flag("estimate", default=False), self.text("why")
        if estimate and "why" not in table:
            self.problem(
                "estimate", 'estimate = true needs why = "..." saying how the number was reached'
            )
        if not estimate and "why" in table:
            self.problem("why", "why goes with estimate = true")
        if not (source or sources or estimate):
            return None
        return Provenance(source, tuple(sources), bool(estimate), why)

    def quantity(
        self,
        key: str,
        lo: float | None = None,
        hi: float | None = None,
        default: Quantity | None = None,
        inherit: Provenance | None = None,
        required: bool = False,
    ) -> Quantity | None:
        """A number, or an inline table with `value` or `low`/`high` and its own provenance.

        A number without its own provenance borrows the record's (`inherit`); when there is
        none, `borrows_provenance` tells the caller to report it once for the record.
        """
        value = self._get(key, required, range_text(lo, hi))
        if value is _MISSING:
            return default
        if isinstance(value, dict):
            inner = Fields(
                self.report,
                Origin(self.origin.file, self.origin.path + (key,)),
                value,
                QUANTITY_KEYS,
            )
            quantity = inner._inline_quantity(lo, hi, inherit)
            self.borrows_provenance |= inner.borrows_provenance
            return quantity or default
        if not self._number_ok((key,), value, lo, hi):
            return default
        if inherit is None:
            self.borrows_provenance = True
        return Quantity.exact(float(value), inherit)  # type: ignore[arg-type]

    def _inline_quantity(
        self, lo: float | None, hi: float | None, inherit: Provenance | None
    ) -> Quantity | None:
        """This table as `{ value = ... }` or `{ low = ..., high = ... }` with provenance."""
        table = self.table
        own = self.provenance()
        has_value = "value" in table
        if has_value == ("low" in table or "high" in table):
            self.problem((), "expected either value = ... or low = ... and high = ...")
            return None
        if own is None and not any(k in table for k in PROVENANCE_KEYS):
            self.borrows_provenance = inherit is None
        provenance = own or inherit
        if has_value:
            v = table["value"]
            return (
                Quantity.exact(float(v), provenance)
                if self._number_ok(("value",), v, lo, hi)
                else None
            )
        if "low" not in table or "high" not in table:
            self.problem((), "a range needs both low = ... and high = ...")
            return None
        low, high = table["low"], table["high"]
        ok = self._number_ok(("low",), low, lo, hi)
        if not (self._number_ok(("high",), high, lo, hi) and ok):
            return None
        if low > high:
            self.problem("high", expected=f"high >= low ({describe(low)})", found=describe(high))
            return None
        return Quantity(None, float(low), float(high), provenance)

    def need_provenance(self, provenance: Provenance | None) -> None:
        """Report a record whose numbers have nowhere to borrow a provenance from."""
        if self.borrows_provenance and provenance is None:
            self.report.add(
                self.origin,
                (),
                'numbers without a provenance: add source = "..." '
                '(or estimate = true with why = "...")',
            )
