"""Key bindings: the one table the window dispatches from and the `?` help screen lists.

Every action of the window has a key, so the game can be played without a mouse; the mouse
does the same things by pointing. Keys are written as strings ("ctrl+z", "shift+tab", "F2",
"text:?"): "text:" matches the character typed rather than the key, so `?` and `+` work on any
keyboard layout.
"""

from __future__ import annotations

from dataclasses import dataclass

import pygame

__all__ = ["BINDINGS", "MOUSE", "Binding", "action_for", "key_label", "keys_for"]


@dataclass(frozen=True, slots=True)
class Binding:
    action: str
    keys: tuple[str, ...]
    help: str
    group: str


BINDINGS: tuple[Binding, ...] = (
    # map
    Binding("pan_left", ("left", "a"), "pan the map west", "Map"),
    Binding("pan_right", ("right", "d"), "pan the map east", "Map"),
    Binding("pan_up", ("up", "w"), "pan the map north", "Map"),
    Binding("pan_down", ("down", "s"), "pan the map south", "Map"),
    Binding("zoom_in", ("text:+", "text:=", "keypad +"), "zoom in", "Map"),
    Binding("zoom_out", ("text:-", "keypad -"), "zoom out", "Map"),
    Binding("zoom_fit", ("home", "0"), "show the whole map", "Map"),
    Binding("centre_selected", ("f",), "centre on the selected unit", "Map"),
    # orders
    Binding("cursor_left", ("shift+left",), "move the hex cursor west", "Orders"),
    Binding("cursor_right", ("shift+right",), "move the hex cursor east", "Orders"),
    Binding("cursor_up", ("shift+up",), "move the hex cursor north", "Orders"),
    Binding("cursor_down", ("shift+down",), "move the hex cursor south", "Orders"),
    Binding(
        "act",
        ("return", "space", "keypad enter"),
        "at the cursor: select a unit, move there, plan an attack; confirm a planned attack",
        "Orders",
    ),
    Binding("next_unit", ("tab",), "select the next unit without orders", "Orders"),
    Binding("prev_unit", ("shift+tab",), "select the previous unit", "Orders"),
    Binding(
        "toggle_attacker",
        tuple(str(d) for d in range(1, 10)),
        "add or remove unit 1-9 of the attack being planned",
        "Orders",
    ),
    Binding("cancel", ("escape",), "cancel the planned attack, deselect, close a window", "Orders"),
    Binding("undo", ("ctrl+z", "backspace"), "undo the last order of this turn", "Orders"),
    Binding("cancel_order", ("delete",), "cancel the selected unit's order", "Orders"),
    Binding("end_turn", ("e", "ctrl+return"), "end the turn", "Orders"),
    # overlays and panels
    Binding("overlay_supply", ("F2", "u"), "supply overlay: reach, cut-off units, routes",
            "Overlays"),
    Binding("overlay_control", ("F3", "c"), "control overlay: what changed hands", "Overlays"),
    Binding("overlay_blockades", ("F4", "b"), "blockades in force", "Overlays"),
    Binding("overlay_history", ("F5", "h"),
            "history: the historical front and the next events", "Overlays"),
    Binding("supply_side", ("shift+u",), "show the other side's supply", "Overlays"),
    Binding("minimap", ("m",), "show or hide the minimap", "Overlays"),
    Binding("log_up", ("page up",), "scroll the log back", "Overlays"),
    Binding("log_down", ("page down",), "scroll the log forward", "Overlays"),
    Binding("log_end", ("end",), "the log's latest entries", "Overlays"),
    # game
    Binding("save", ("ctrl+s",), "save the game", "Game"),
    Binding("load", ("ctrl+l", "ctrl+o"), "load a saved game", "Game"),
    Binding("pause", ("p",), "pause or go on (when watching the computer play)", "Game"),
    Binding("screenshot", ("F12",), "save a screenshot", "Game"),
    Binding("help", ("text:?", "F1"), "this list of keys", "Game"),
    Binding("quit", ("ctrl+q",), "quit", "Game"),
)

MOUSE: tuple[tuple[str, str], ...] = (
    ("left click", "select a unit; on a lit hex move there; on an enemy hex plan an attack"),
    ("right click", "deselect, or cancel the planned attack"),
    ("drag", "pan the map"),
    ("wheel", "zoom at the pointer (over the log: scroll it)"),
    ("click a log line", "centre the map on where it happened"),
    ("click the minimap", "centre the map there"),
)

_MODS = {"ctrl": pygame.KMOD_CTRL, "shift": pygame.KMOD_SHIFT, "alt": pygame.KMOD_ALT}
_CHECKED = pygame.KMOD_CTRL | pygame.KMOD_SHIFT | pygame.KMOD_ALT


def _split(spec: str) -> tuple[list[str], str]:
    """'ctrl+shift+z' -> (['ctrl', 'shift'], 'z'); 'keypad +' keeps its plus."""
    mods = []
    while True:
        head, plus, rest = spec.partition("+")
        if plus and head in _MODS and rest:
            mods.append(head)
            spec = rest
        else:
            return mods, spec


def _parse(spec: str) -> tuple:
    if spec.startswith("text:"):
        return ("text", spec[5:])
    mods, name = _split(spec)
    mask = 0
    for m in mods:
        mask |= _MODS[m]
    return ("key", pygame.key.key_code(name), mask)


_TABLE: list[tuple[tuple, str, Binding]] = []


def _table() -> list[tuple[tuple, str, Binding]]:
    if not _TABLE:
        for binding in BINDINGS:
            for spec in binding.keys:
                _TABLE.append((_parse(spec), spec, binding))
    return _TABLE


def _normal_mods(mods: int) -> int:
    out = 0
    for mask in _MODS.values():
        if mods & mask:
            out |= mask
    return out


def action_for(event: pygame.event.Event) -> tuple[str, str] | None:
    """The (action, key spec) a KEYDOWN event triggers, or None.

    An exact key-and-modifiers match wins (shift+up moves the cursor, up pans); then the
    character typed (`?`, `+`); then, with Shift alone held, the unshifted binding.
    """
    if event.type != pygame.KEYDOWN:
        return None
    mods = _normal_mods(getattr(event, "mod", 0) & _CHECKED)
    table = _table()
    for parsed, spec, binding in table:
        if parsed[0] == "key" and parsed[1] == event.key and parsed[2] == mods:
            return binding.action, spec
    text = getattr(event, "unicode", "") or ""
    if text and not mods & (pygame.KMOD_CTRL | pygame.KMOD_ALT):
        for parsed, spec, binding in table:
            if parsed[0] == "text" and parsed[1] == text:
                return binding.action, spec
    if mods == pygame.KMOD_SHIFT:
        for parsed, spec, binding in table:
            if parsed[0] == "key" and parsed[1] == event.key and parsed[2] == 0:
                return binding.action, spec
    return None


def keys_for(action: str) -> tuple[str, ...]:
    for binding in BINDINGS:
        if binding.action == action:
            return binding.keys
    raise KeyError(action)


def key_label(spec: str) -> str:
    """How a key spec reads in the help: 'Ctrl+Z', 'Shift+Tab', '?', 'F2', 'Page Up'."""
    if spec.startswith("text:"):
        return spec[5:]
    mods, name = _split(spec)
    if len(name) == 1:
        name = name.upper()
    elif not (name[0] == "F" and name[1:].isdigit()):
        name = name.title()
    return "+".join([m.capitalize() for m in mods] + [name])
