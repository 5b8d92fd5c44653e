"""References from a scenario into the map: places, districts, routes, countries and hexes.

Each lookup reports a problem with the closest spelling the map knows, and returns the map's
canonical record so the scenario model stores ids, never the spelling a writer happened to use.
"""

from __future__ import annotations

from sim.hexgrid import Hex
from sim.scenario.model import Origin
from sim.scenario.problems import Report, describe, suggest
from sim.theatre import Place, Theatre, fold_name

IRAN = "IRN"


class MapRefs:
    """Resolves and checks map references for one scenario load."""

    def __init__(self, theatre: Theatre, report: Report) -> None:
        self.theatre = theatre
        self.report = report
        self._labels: list[str] | None = None

    def _place_labels(self) -> list[str]:
        """Names before aliases before ids, so a suggestion reads as the map spells it."""
        if self._labels is None:
            places = self.theatre.places.values()
            self._labels = [
                *(p.name for p in places),
                *(a for p in places for a in p.aliases),
                *self.theatre.place_labels(),
            ]
        return self._labels

    def place(self, origin: Origin, path: tuple, name: str, *, on_map: bool = True) -> Place | None:
        """The named place; with `on_map`, reported unless it has a hex on the map."""
        place = self.theatre.find_place(name)
        if place is None:
            self.report.add(
                origin,
                path,
                f"{describe(name)} is not a place on the map",
                expected="a place name, alias or id from scenarios/theatre/places.toml",
                found=describe(name),
                suggestion=suggest(name, self._place_labels()),
            )
            return None
        if on_map and place.index is None:
            edge = self.theatre.find_place(place.edge) if place.edge else None
            self.report.add(
                origin,
                path,
                f"{describe(name)} lies off the map; a place on the map is needed here",
                suggestion=edge.name if edge is not None else None,
            )
            return None
        return place

    def district(self, origin: Origin, path: tuple, name: str) -> str | None:
        """The district's id, found by id, name or alias."""
        districts = self.theatre.districts
        wanted = fold_name(name)
        for d in districts:
            if wanted in {fold_name(label) for label in (d.id, d.name, *d.aliases)}:
                return d.id
        labels = [d.id for d in districts] + [d.name for d in districts]
        self.report.add(
            origin,
            path,
            f"{describe(name)} is not a district on the map",
            found=describe(name),
            suggestion=suggest(name, labels),
        )
        return None

    def route(self, origin: Origin, path: tuple, route_id: str) -> bool:
        if route_id in self.theatre.routes:
            return True
        self.report.add(
            origin,
            path,
            f"{describe(route_id)} is not a route on the map (scenarios/theatre/routes.toml)",
            found=describe(route_id),
            suggestion=suggest(route_id, list(self.theatre.routes)),
        )
        return False

    def country(self, origin: Origin, path: tuple, code: str) -> bool:
        codes = tuple(self.theatre.country_codes)
        if code in codes:
            return True
        self.report.add(
            origin,
            path,
            f"{describe(code)} is not a country on the map (one of {', '.join(codes)})",
            found=describe(code),
            suggestion=suggest(code, codes),
        )
        return False

    def hex_index(self, origin: Origin, path: tuple, h: Hex) -> int | None:
        index = self.theatre.index_of(h)
        if index is None:
            self.report.add(origin, path, f"[{h.q}, {h.r}] is off the map")
        return index

    def standing_ground(self, origin: Origin, path: tuple, index: int, label: str) -> bool:
        """A unit's hex must be land outside Iran: it may stand and move there."""
        t = self.theatre
        if int(t.terrain[index]) == 0:
            self.report.add(origin, path, f"{label} is on water; a unit needs land")
            return False
        if t.country_codes[int(t.country[index])] == IRAN:
            self.report.add(origin, path, f"{label} is in Iran, which is neutral and impassable")
            return False
        return True
