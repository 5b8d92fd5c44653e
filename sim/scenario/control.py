"""Who holds each hex on the first day, from the countries and the scenario's `[[control]]`.

Every land hex starts with its country's side (Iran and water neutral); the rules then
override in the order written, so a scenario states the broad picture first and the
exceptions after. Rules never touch water or Iran, which no side can hold.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.scenario.model import Area, ControlRule, Scenario
from sim.sides import ARMENIAN, AZERBAIJANI, NEUTRAL, SIDE_CODES

if TYPE_CHECKING:
    from sim.theatre import Theatre

COUNTRY_SIDES: dict[str, int] = {"ARM": ARMENIAN, "AZE": AZERBAIJANI}


def area_mask(rule: ControlRule | Area, theatre: Theatre) -> np.ndarray:
    """Boolean per hex: the hexes a control rule's area (or an `Area`) covers."""
    if rule.kind == "nkao":
        return theatre.nkao
    if rule.kind == "country":
        code = tuple(theatre.country_codes).index(rule.ref)
        return theatre.country == code
    if rule.kind == "district":
        index = theatre.district_index(rule.ref or "")
        if index is None:
            raise KeyError(f"district {rule.ref!r} is not on the map")
        return theatre.district == index
    if rule.kind == "place":
        place = theatre.find_place(rule.ref or "")
        if place is None or place.index is None:
            raise KeyError(f"place {rule.ref!r} is not on the map")
        mask = np.zeros(theatre.n, dtype=bool)
        if rule.radius_km > 0:
            mask[np.asarray(theatre.hexes_within_km(place.lat, place.lon, rule.radius_km))] = True
        mask[place.index] = True
        return mask
    raise ValueError(f"unknown control area kind {rule.kind!r}")


def initial_control(scenario: Scenario, theatre: Theatre) -> np.ndarray:
    """int8 per hex: the side code (sim.sides) holding it at the scenario's start."""
    by_country = np.array(
        [COUNTRY_SIDES.get(code, NEUTRAL) for code in theatre.country_codes], dtype=np.int8
    )
    control = by_country[theatre.country]
    holdable = theatre.passable()
    for rule in scenario.control:
        control[area_mask(rule, theatre) & holdable] = SIDE_CODES[rule.side]
    control[~holdable] = NEUTRAL
    return control.astype(np.int8, copy=False)
