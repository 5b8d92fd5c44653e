"""Writers whose output depends only on their input, so a rebuild is byte-identical.

`np.savez_compressed` stamps each member with the current time; `write_npz` writes the same
format (a zip of .npy members, readable by `np.load(..., allow_pickle=False)`) with a fixed
timestamp. The standard library reads TOML but cannot write it; `dumps_toml` covers what
map.toml needs: tables, arrays of scalars or of arrays, strings, integers, floats, booleans.
"""

from __future__ import annotations

import io
import json
import math
import re
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

_FIXED_TIME = (1980, 1, 1, 0, 0, 0)
_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
_LINE = 100


def write_npz(path: Path, arrays: Mapping[str, np.ndarray]) -> None:
    """A compressed .npz with members in the given order and no timestamps or pickles."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, arr in arrays.items():
            arr = np.asarray(arr)
            if arr.dtype.hasobject:
                raise ValueError(f"array {name!r} holds Python objects")
            buf = io.BytesIO()
            np.lib.format.write_array(buf, np.ascontiguousarray(arr), allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=_FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, buf.getvalue(), compresslevel=9)


def _key(k: str) -> str:
    return k if _BARE_KEY.match(k) else json.dumps(k, ensure_ascii=False)


def _scalar(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if isinstance(v, (float, np.floating)):
        v = float(v)
        if not math.isfinite(v):
            raise ValueError("TOML here has no use for inf or nan")
        return repr(v)
    if isinstance(v, str):
        # JSON string escapes are valid TOML basic-string escapes.
        return json.dumps(v, ensure_ascii=False)
    raise TypeError(f"cannot write {type(v).__name__} to TOML")


def _value(v: Any) -> str:
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_value(x) for x in v) + "]"
    if isinstance(v, Mapping):
        return "{ " + ", ".join(f"{_key(k)} = {_value(x)}" for k, x in v.items()) + " }"
    return _scalar(v)


def _assignment(key: str, v: Any) -> str:
    """`key = value`, long arrays wrapped one run of items per line."""
    line = f"{_key(key)} = {_value(v)}"
    if len(line) <= _LINE or not isinstance(v, (list, tuple)):
        return line
    out, current = [f"{_key(key)} = ["], "   "
    for item in v:
        text = f" {_value(item)},"
        if len(current) + len(text) > _LINE and current.strip():
            out.append(current)
            current = "   "
        current += text
    out.append(current)
    out.append("]")
    return "\n".join(out)


def _is_table(v: Any) -> bool:
    return isinstance(v, Mapping)


def _is_table_array(v: Any) -> bool:
    return isinstance(v, (list, tuple)) and bool(v) and all(isinstance(x, Mapping) for x in v)


def dumps_toml(doc: Mapping[str, Any], header: Sequence[str] = ()) -> str:
    """TOML text for a nested mapping; key order is kept, so equal input gives equal text."""
    lines = [f"# {h}" if h else "#" for h in header]
    _emit(doc, [], lines)
    return "\n".join(lines).strip("\n") + "\n"


def _emit(table: Mapping[str, Any], path: list[str], lines: list[str]) -> None:
    for k, v in table.items():
        if not _is_table(v) and not _is_table_array(v):
            lines.append(_assignment(k, v))
    for k, v in table.items():
        if _is_table(v):
            # A table holding only tables needs no header of its own.
            if not v or not all(_is_table(x) or _is_table_array(x) for x in v.values()):
                lines.append("")
                lines.append("[" + ".".join(_key(p) for p in [*path, k]) + "]")
            _emit(v, [*path, k], lines)
        elif _is_table_array(v):
            for item in v:
                lines.append("")
                lines.append("[[" + ".".join(_key(p) for p in [*path, k]) + "]]")
                _emit(item, [*path, k], lines)
