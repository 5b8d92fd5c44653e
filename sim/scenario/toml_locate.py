"""Line numbers for TOML key paths, which `tomllib` does not give.

A small forgiving scanner walks the text once and records, for every key path it sees, the line
where it starts: `[table]` and `[[array]]` headers (counting array elements per parent),
dotted keys, `key = value` lines, and inline tables and arrays that may span lines. It never
raises on odd input: where it loses its way it skips to the next line, because a wrong line
number is better than no report at all. `line_of` falls back to the nearest known parent.
"""

from __future__ import annotations

import bisect
import json
from collections.abc import Sequence

Path = tuple[str | int, ...]

_BARE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
_VALUE_END = frozenset(",]}#\n\r")


class Locator:
    """Maps key paths such as ``("units", 3, "place")`` to 1-based line numbers."""

    def __init__(self, text: str):
        self._text = text
        self._starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]
        self._lines: dict[Path, int] = {}
        self._counts: dict[Path, int] = {}
        self._table: Path = ()
        self._i = 0
        self._scan()

    def line_of(self, path: Sequence[str | int]) -> int | None:
        """The line of `path`, or of its nearest parent that appears in the text."""
        key = tuple(path)
        while key:
            if key in self._lines:
                return self._lines[key]
            key = key[:-1]
        return None

    # --- scanning -------------------------------------------------------------------

    def _line(self, pos: int) -> int:
        return bisect.bisect_right(self._starts, pos)

    def _note(self, path: Path, pos: int) -> None:
        line = self._line(pos)
        for k in range(1, len(path) + 1):
            self._lines.setdefault(path[:k], line)

    def _peek(self, k: int = 0) -> str:
        j = self._i + k
        return self._text[j] if j < len(self._text) else ""

    def _skip_blanks(self, newlines: bool) -> None:
        text, n = self._text, len(self._text)
        while self._i < n:
            c = text[self._i]
            if c in " \t" or (newlines and c in "\r\n"):
                self._i += 1
            elif c == "#" and newlines:
                end = text.find("\n", self._i)
                self._i = n if end < 0 else end
            else:
                return

    def _skip_line(self) -> None:
        end = self._text.find("\n", self._i)
        self._i = len(self._text) if end < 0 else end + 1

    def _scan(self) -> None:
        text, n = self._text, len(self._text)
        while self._i < n:
            self._skip_blanks(newlines=True)
            if self._i >= n:
                break
            start = self._i
            if text.startswith("[[", start):
                self._header(array=True)
            elif text[start] == "[":
                self._header(array=False)
            else:
                self._key_value()
            self._skip_blanks(newlines=False)
            if self._peek() == "#":
                self._skip_line()
            elif self._peek() not in ("\n", "\r", ""):
                self._skip_line()
            if self._i <= start:
                self._i = start + 1

    def _header(self, array: bool) -> None:
        start = self._i
        self._i += 2 if array else 1
        keys = self._key()
        self._skip_blanks(newlines=False)
        close = "]]" if array else "]"
        if not keys or not self._text.startswith(close, self._i):
            self._skip_line()
            return
        self._i += len(close)
        if array:
            parent = self._resolve(keys[:-1])
            array_path = parent + (keys[-1],)
            index = self._counts.get(array_path, 0)
            self._counts[array_path] = index + 1
            self._table = array_path + (index,)
        else:
            self._table = self._resolve(keys)
        self._note(self._table, start)

    def _resolve(self, keys: list[str]) -> Path:
        """A header's dotted name as a path, stepping into the last element of each array."""
        path: Path = ()
        for k in keys:
            path += (k,)
            if path in self._counts:
                path += (self._counts[path] - 1,)
        return path

    def _key_value(self) -> None:
        start = self._i
        keys = self._key()
        self._skip_blanks(newlines=False)
        if not keys or self._peek() != "=":
            self._skip_line()
            return
        self._i += 1
        path = self._table + tuple(keys)
        self._note(path, start)
        self._skip_blanks(newlines=False)
        self._value(path, depth=0)

    def _key(self) -> list[str] | None:
        keys: list[str] = []
        while True:
            self._skip_blanks(newlines=False)
            c = self._peek()
            if c == '"':
                part = self._basic_string()
            elif c == "'":
                part = self._literal_string()
            elif c and c in _BARE:
                j = self._i
                while j < len(self._text) and self._text[j] in _BARE:
                    j += 1
                part = self._text[self._i : j]
                self._i = j
            else:
                return None
            if part is None:
                return None
            keys.append(part)
            self._skip_blanks(newlines=False)
            if self._peek() != ".":
                return keys
            self._i += 1

    def _basic_string(self) -> str | None:
        text, j = self._text, self._i + 1
        while j < len(text) and text[j] not in '"\n':
            j += 2 if text[j] == "\\" else 1
        if j >= len(text) or text[j] != '"':
            self._i = min(j, len(text))
            return None
        raw = text[self._i + 1 : j]
        self._i = j + 1
        try:
            return json.loads(f'"{raw}"')
        except ValueError:
            return raw

    def _literal_string(self) -> str | None:
        text = self._text
        j = self._i + 1
        while j < len(text) and text[j] not in "'\n":
            j += 1
        if j >= len(text) or text[j] != "'":
            self._i = min(j, len(text))
            return None
        raw = text[self._i + 1 : j]
        self._i = j + 1
        return raw

    def _multiline(self, quote: str) -> None:
        text, j = self._text, self._i + 3
        delim = quote * 3
        while j < len(text):
            if quote == '"' and text[j] == "\\":
                j += 2
            elif text.startswith(delim, j):
                j += 3
                extra = 0
                while extra < 2 and j < len(text) and text[j] == quote:
                    j += 1
                    extra += 1
                break
            else:
                j += 1
        self._i = min(j, len(text))

    def _value(self, path: Path, depth: int) -> None:
        if depth > 100:
            self._skip_line()
            return
        text = self._text
        c = self._peek()
        if text.startswith('"""', self._i) or text.startswith("'''", self._i):
            self._multiline(c)
        elif c == '"':
            self._basic_string()
        elif c == "'":
            self._literal_string()
        elif c == "[":
            self._array(path, depth)
        elif c == "{":
            self._inline_table(path, depth)
        else:
            j = self._i
            while j < len(text) and text[j] not in _VALUE_END:
                j += 1
            self._i = j

    def _array(self, path: Path, depth: int) -> None:
        self._i += 1
        index = 0
        while self._i < len(self._text):
            self._skip_blanks(newlines=True)
            c = self._peek()
            if c == "]":
                self._i += 1
                return
            if c in ("", ",", "}"):
                self._i += 1
                return
            start = self._i
            self._note(path + (index,), start)
            self._value(path + (index,), depth + 1)
            self._skip_blanks(newlines=True)
            if self._peek() == ",":
                self._i += 1
                index += 1
            elif self._peek() != "]":
                if self._i <= start:
                    self._i = start + 1
                return

    def _inline_table(self, path: Path, depth: int) -> None:
        self._i += 1
        while self._i < len(self._text):
            self._skip_blanks(newlines=True)
            if self._peek() == "}":
                self._i += 1
                return
            start = self._i
            keys = self._key()
            self._skip_blanks(newlines=False)
            if not keys or self._peek() != "=":
                if self._i <= start:
                    self._i = start + 1
                return
            self._i += 1
            self._note(path + tuple(keys), start)
            self._skip_blanks(newlines=False)
            self._value(path + tuple(keys), depth + 1)
            self._skip_blanks(newlines=True)
            if self._peek() == ",":
                self._i += 1
            elif self._peek() != "}":
                return
