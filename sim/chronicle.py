"""The game's log: structured data first, the sentence rendered from it.

Every outcome (a combat, a supply failure, an event) is an `Entry` whose fields carry the
inputs, modifiers, probabilities, roll and result; `text` is the readable sentence; `history`
is room for the matching historical event. Entries serialise to JSON Lines with sorted keys and
floats rounded to a fixed number of decimals, so the same game writes byte-identical logs in
any process on any machine.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

FLOAT_DECIMALS = 4


@dataclass(frozen=True, slots=True)
class Entry:
    turn: int
    date: dt.date
    kind: str
    text: str
    data: Mapping[str, Any] = field(default_factory=dict)
    history: Mapping[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "turn": self.turn,
            "date": self.date.isoformat(),
            "kind": self.kind,
            "text": self.text,
        }
        out.update(self.data)
        if self.history is not None:
            out["history"] = dict(self.history)
        return canonical(out)


def canonical(value: Any) -> Any:
    """Plain JSON types with floats rounded, dates as ISO strings, tuples as lists."""
    if isinstance(value, bool) or value is None or isinstance(value, (int, str)):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"non-finite number in a log entry: {value}")
        rounded = round(value, FLOAT_DECIMALS)
        return 0.0 if rounded == 0 else rounded
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): canonical(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [canonical(v) for v in value]
    if hasattr(value, "item"):  # numpy scalars
        return canonical(value.item())
    raise TypeError(f"cannot put {type(value).__name__} in a log entry")


def to_json_line(entry: Entry) -> str:
    return json.dumps(entry.to_dict(), sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def write_jsonl(entries: Iterable[Entry], path) -> None:
    """Write a whole log atomically (temp file, then rename)."""
    from sim.atomic import write_text_atomic

    write_text_atomic(path, "".join(to_json_line(e) + "\n" for e in entries))


def render(entry: Entry) -> str:
    """The line a reader sees: date, then the sentence, then the historical note if any."""
    line = f"{entry.date.isoformat()}  {entry.text}"
    if entry.history and entry.history.get("text"):
        line += f"\n            History: {entry.history['text']}"
    return line
