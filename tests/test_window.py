"""The window, driven headless by synthetic mouse and keyboard events (SDL's dummy driver).

Each test plays what a user does — select a unit, move it, plan an attack and read its odds,
undo, end the turn, save and load — and checks what the user would see change: the lit hexes,
the orders, the odds panel's numbers (the rules' own), the turn counter, the log, the files.
"""

from __future__ import annotations

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import numpy as np  # noqa: E402
import pygame  # noqa: E402
import pytest  # noqa: E402

from sim.controllers import make_controller  # noqa: E402
from sim.orders import Attack, Move  # noqa: E402
from sim.rules.combat_inputs import plan_attack  # noqa: E402
from sim.rules.combat_odds import odds  # noqa: E402
from sim.rules.context import season_of  # noqa: E402
from sim.rules.reach import reachable  # noqa: E402
from sim.scenario import load_scenario  # noqa: E402
from sim.session import Session  # noqa: E402
from sim.ui.app import App  # noqa: E402
from sim.ui.input import BINDINGS, action_for, key_label  # noqa: E402
from sim.ui.scene_chooser import ChooserScene  # noqa: E402
from sim.ui.scene_game import GameScene  # noqa: E402

SCENARIO = "1992-winter"
STEPANAKERT = "arm-stepanakert"
MALIBEYLI = "aze-malibeyli"


class IdleOpponentApp(App):
    """The window with the idle controller for every computer side: fast, and the same
    whether or not an AI is installed."""

    def make_controllers(self, humans):
        out = super().make_controllers(humans)
        for side in list(out):
            if side not in humans:
                out[side] = make_controller("idle", side)
        return out


@pytest.fixture
def app(tmp_path):
    a = IdleOpponentApp(scenario=SCENARIO, side="armenian", seed=3, saves_dir=tmp_path / "saves")
    a.settle()
    yield a
    a.worker.wait()


def click(app: App, pos, button: int = 1) -> None:
    pos = (int(pos[0]), int(pos[1]))
    app.step([
        pygame.event.Event(pygame.MOUSEMOTION, pos=pos, rel=(0, 0), buttons=(0, 0, 0)),
        pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=pos, button=button),
        pygame.event.Event(pygame.MOUSEBUTTONUP, pos=pos, button=button),
    ])


def press(app: App, key: int, mod: int = 0, text: str = "") -> None:
    app.step([pygame.event.Event(pygame.KEYDOWN, key=key, mod=mod, unicode=text)])


def unit_hex(app: App, unit_id: str) -> int:
    return app.scene.shown.units[unit_id].index


def zoom_on(app: App, index: int, steps: int = 8) -> None:
    scene = app.scene
    scene.centre_on(index)
    scene.zoom(steps)
    scene.centre_on(index)
    app.settle()


def select_stepanakert(app: App) -> GameScene:
    scene = app.scene
    zoom_on(app, unit_hex(app, STEPANAKERT))
    click(app, scene.hex_px(unit_hex(app, STEPANAKERT)))
    assert scene.selected == STEPANAKERT
    return scene


def free_reachable_hex(scene: GameScene) -> int:
    occupied = {u.index for u in scene.shown.units.values() if u.active}
    origin = scene.shown.units[scene.selected].index
    for index, _ in sorted(scene.reach.items(), key=lambda kv: kv[1][0]):
        x, y = scene.hex_px(index)
        if index != origin and index not in occupied and scene.layout.map.collidepoint(x, y):
            return index
    raise AssertionError("no free reachable hex on screen")


# --- select, move, undo ----------------------------------------------------------------------


def test_window_opens_at_1280_by_800_on_the_first_turn(app):
    assert app.screen.get_size() == (1280, 800)
    assert isinstance(app.scene, GameScene)
    assert app.scene.mode == "orders" and app.scene.active_side == "armenian"


def test_selecting_a_unit_lights_the_hexes_it_can_reach(app):
    scene = select_stepanakert(app)
    assert scene.reach == reachable(scene.shown, STEPANAKERT)
    assert len(scene.reach) > 1
    before = app.screen.copy()
    scene.select(None)
    app.step([])
    assert pygame.image.tobytes(before, "RGB") != pygame.image.tobytes(app.screen, "RGB")


def test_clicking_a_lit_hex_orders_the_move_and_undo_takes_it_back(app):
    scene = select_stepanakert(app)
    target = free_reachable_hex(scene)
    click(app, scene.hex_px(target))
    orders = scene.orders.of("armenian")
    assert orders == [Move(STEPANAKERT, scene.shown.theatre.hex_of(target))]
    assert "move to" in scene.order_words()[STEPANAKERT]
    press(app, pygame.K_z, pygame.KMOD_LCTRL)
    assert scene.orders.of("armenian") == []
    assert scene.selected == STEPANAKERT
    press(app, pygame.K_BACKSPACE)
    assert "No order to undo" in scene.status


def test_an_order_the_rules_refuse_is_not_taken_and_the_reason_is_shown(app):
    scene = select_stepanakert(app)
    far = max(
        range(scene.shown.theatre.n),
        key=lambda i: np.hypot(*(scene.renderer.centres[i] - scene.renderer.centres[
            unit_hex(app, STEPANAKERT)])),
    )
    scene.act_at(far)
    assert scene.orders.of("armenian") == []
    assert scene.status.startswith("Not possible:")


# --- attack with the odds shown --------------------------------------------------------------


def test_clicking_an_enemy_hex_shows_the_rules_odds_before_committing(app):
    scene = select_stepanakert(app)
    target = unit_hex(app, MALIBEYLI)
    click(app, scene.hex_px(target))
    plan = scene.planning
    assert plan is not None and plan.target == target
    assert scene.orders.of("armenian") == []  # nothing committed yet
    expected = odds(plan_attack(
        scene.shown, target, [STEPANAKERT], season_of(scene.shown.date), side="armenian",
        last_combat=scene.shown.last_combat,
    ).inputs)
    shown = plan.odds_view.odds
    assert shown.probabilities == expected.probabilities
    assert abs(sum(p for _, p in shown.probabilities) - 1.0) < 1e-9

    # A second unit joins by its number key; the odds shown change with it.
    press(app, pygame.K_2, text="2")
    assert len(plan.chosen) == 2
    assert plan.odds_view.odds.ratio > shown.ratio

    # The panel is on screen: the card area changed when the plan opened.
    card = scene.layout.card
    with_panel = app.screen.subsurface(card).copy()
    press(app, pygame.K_ESCAPE)
    assert scene.planning is None
    app.step([])
    without = app.screen.subsurface(card).copy()
    assert pygame.image.tobytes(with_panel, "RGB") != pygame.image.tobytes(without, "RGB")


def test_confirming_the_attack_gives_the_order(app):
    scene = select_stepanakert(app)
    target = unit_hex(app, MALIBEYLI)
    click(app, scene.hex_px(target))
    press(app, pygame.K_RETURN)
    [order] = scene.orders.of("armenian")
    assert isinstance(order, Attack)
    assert order.units == (STEPANAKERT,)
    assert order.target == scene.shown.theatre.hex_of(target)
    assert "attack" in scene.order_words()[STEPANAKERT]


# --- ending the turn ---------------------------------------------------------------------------


def test_ending_the_turn_resolves_it_with_the_players_orders(app):
    scene = select_stepanakert(app)
    target = free_reachable_hex(scene)
    click(app, scene.hex_px(target))
    press(app, pygame.K_e, text="e")
    assert scene.mode in ("resolving", "orders")
    app.wait_for_turn()
    assert scene.mode == "orders"
    assert scene.shown.turn == 1
    assert scene.session.turns[0].orders["armenian"] == [
        Move(STEPANAKERT, scene.shown.theatre.hex_of(target)).to_dict()
    ]
    assert scene.orders.of("armenian") == []
    assert scene.log.entries and scene.log.entries == scene.session.log
    assert scene.shown.units[STEPANAKERT].index != unit_hex(app, MALIBEYLI)


def test_a_game_in_the_window_replays_exactly_from_its_save(app, tmp_path):
    scene = select_stepanakert(app)
    click(app, scene.hex_px(unit_hex(app, MALIBEYLI)))
    press(app, pygame.K_RETURN)
    press(app, pygame.K_e, text="e")
    app.wait_for_turn()
    press(app, pygame.K_e, text="e")
    app.wait_for_turn()
    path = scene.save_to(str(tmp_path / "game.json"))
    replayed = Session.from_save(path)  # raises if any turn's checksum differs
    assert replayed.state.checksum() == scene.session.state.checksum()
    assert [e.text for e in replayed.log] == [e.text for e in scene.session.log]


def test_the_window_keeps_drawing_while_the_turn_resolves(app):
    scene = app.scene
    frames = app.frames
    press(app, pygame.K_e, text="e")
    app.wait_for_turn()
    assert app.frames > frames
    assert scene.shown.turn == 1


# --- save and load -----------------------------------------------------------------------------


def test_save_and_load_from_the_window(app, tmp_path):
    scene = app.scene
    press(app, pygame.K_e, text="e")
    app.wait_for_turn()
    press(app, pygame.K_s, pygame.KMOD_LCTRL)
    assert scene.modal == "save"
    app.step([pygame.event.Event(pygame.TEXTINPUT, text="x")])
    press(app, pygame.K_BACKSPACE)
    press(app, pygame.K_RETURN)
    assert scene.modal is None
    saved = tmp_path / "saves" / scene.default_save_name()
    assert saved.is_file()
    checksum = scene.session.state.checksum()

    press(app, pygame.K_e, text="e")
    app.wait_for_turn()
    assert scene.shown.turn == 2

    press(app, pygame.K_l, pygame.KMOD_LCTRL)
    assert scene.modal == "load" and saved.name in scene.modal_items
    scene.modal_index = scene.modal_items.index(saved.name)
    press(app, pygame.K_RETURN)
    app.wait_for_turn()
    assert scene.session.state.turn == 1
    assert scene.session.state.checksum() == checksum
    assert scene.mode == "orders"


def test_play_command_opens_a_save(tmp_path):
    a = IdleOpponentApp(scenario=SCENARIO, side="armenian", seed=5, saves_dir=tmp_path)
    a.scene.resolve_turn()
    a.wait_for_turn()
    path = a.scene.save_to("one.json")
    b = IdleOpponentApp(load=path, side="azerbaijani", saves_dir=tmp_path)
    assert b.scene.session.state.checksum() == a.scene.session.state.checksum()
    assert b.scene.active_side == "azerbaijani"


def test_a_what_if_game_saved_in_the_window_loads_back(tmp_path):
    levers = {"azerbaijani-stability": "0.5"}
    a = IdleOpponentApp(scenario=SCENARIO, side="armenian", seed=5, saves_dir=tmp_path,
                        levers=levers)
    a.scene.resolve_turn()
    a.wait_for_turn()
    path = a.scene.save_to("what-if.json")
    b = IdleOpponentApp(load=path, side="armenian", saves_dir=tmp_path)
    assert b.scene.session.levers == a.scene.session.levers == {"azerbaijani-stability": 0.5}
    assert b.scene.session.state.checksum() == a.scene.session.state.checksum()


def test_a_loaded_game_keeps_the_level_of_its_computer_side(tmp_path):
    level3 = {"azerbaijani": make_controller("ai", "azerbaijani", level=3)}
    session = Session.new(load_scenario(SCENARIO), 4, controllers=level3)
    path = tmp_path / "level3.json"
    session.save(path)
    loaded = App(load=path, side="armenian", saves_dir=tmp_path, threaded=False)
    assert loaded.scene.session.controllers["azerbaijani"].level == 3
    chosen = App(load=path, side="armenian", saves_dir=tmp_path, threaded=False, ai_level=1)
    assert chosen.scene.session.controllers["azerbaijani"].level == 1


# --- keyboard only -----------------------------------------------------------------------------


def test_a_turn_can_be_played_from_the_keyboard_alone(app):
    scene = app.scene
    press(app, pygame.K_TAB)
    uid = scene.selected
    assert uid is not None and scene.shown.units[uid].side == "armenian"
    start = scene.cursor
    for _ in range(6):
        if scene.reach:
            break
        press(app, pygame.K_TAB)
    uid = scene.selected
    target = next(i for i in scene.reach if i != scene.shown.units[uid].index)
    # Walk the cursor to a reachable neighbour with Shift+arrows and press Enter.
    nb = list(scene.shown.theatre.neighbours[scene.cursor])
    keys = {0: pygame.K_RIGHT, 3: pygame.K_LEFT}
    direction = next((d for d in (0, 3) if nb[d] in scene.reach), None)
    if direction is not None:
        press(app, keys[direction], pygame.KMOD_LSHIFT)
        target = scene.cursor
    else:
        scene.cursor = target
    assert scene.cursor != start or direction is None
    press(app, pygame.K_RETURN)
    assert scene.orders.of("armenian")[-1] == Move(uid, scene.shown.theatre.hex_of(target))
    press(app, pygame.K_e, text="e")
    app.wait_for_turn()
    assert scene.shown.turn == 1


def test_every_action_has_a_key_and_the_help_lists_them(app):
    actions = {b.action for b in BINDINGS}
    assert {"act", "undo", "end_turn", "save", "load", "overlay_supply", "overlay_history",
            "next_unit", "cursor_up", "zoom_in", "pan_left", "help", "quit"} <= actions
    for b in BINDINGS:
        assert b.keys and b.help
        for spec in b.keys:
            assert key_label(spec)
    press(app, pygame.K_SLASH, pygame.KMOD_LSHIFT, "?")
    assert app.scene.modal == "help"
    press(app, pygame.K_ESCAPE)
    assert app.scene.modal is None
    event = pygame.event.Event(pygame.KEYDOWN, key=pygame.K_UP, mod=pygame.KMOD_LSHIFT,
                               unicode="")
    assert action_for(event)[0] == "cursor_up"


# --- view, overlays, scenes --------------------------------------------------------------------


def test_zoom_pan_and_resize(app):
    scene = app.scene
    scale = scene.view.scale
    m = scene.layout.map
    app.step([pygame.event.Event(pygame.MOUSEMOTION, pos=m.center, rel=(0, 0),
                                 buttons=(0, 0, 0))])
    pygame.mouse.set_pos(m.center)
    app.step([pygame.event.Event(pygame.MOUSEWHEEL, x=0, y=1, pos=m.center)])
    assert scene.view.scale > scale
    press(app, pygame.K_MINUS, text="-")
    assert scene.view.scale == pytest.approx(scale)
    cx = scene.view.centre_x_km
    press(app, pygame.K_d, text="d")
    assert scene.view.centre_x_km > cx
    app.step([
        pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=m.center, button=1),
        pygame.event.Event(pygame.MOUSEMOTION, pos=(m.centerx + 50, m.centery), rel=(50, 0),
                           buttons=(1, 0, 0)),
        pygame.event.Event(pygame.MOUSEBUTTONUP, pos=(m.centerx + 50, m.centery), button=1),
    ])
    assert scene.view.centre_x_km < cx + 1e-9 or scene.view.centre_x_km != cx
    app.step([pygame.event.Event(pygame.VIDEORESIZE, w=1600, h=900, size=(1600, 900))])
    assert app.screen.get_size() == (1600, 900)
    assert scene.layout.map.width == 1600 - scene.layout.right.width


def test_overlays_switch_on_and_draw(app):
    scene = app.scene
    for key in (pygame.K_F2, pygame.K_F3, pygame.K_F4, pygame.K_F5):
        press(app, key)
    assert all(scene.overlays.on.values())
    app.settle()
    assert scene.overlays.history is not None
    # On the first day history and the game agree.
    assert np.array_equal(scene.overlays.history, scene.shown.control)
    assert scene.overlays.events  # the next historical events are listed
    press(app, pygame.K_u, pygame.KMOD_LSHIFT, "U")
    assert scene.overlays.side == "azerbaijani"


def test_without_a_scenario_the_chooser_starts_a_game(tmp_path):
    a = IdleOpponentApp(saves_dir=tmp_path)
    assert isinstance(a.scene, ChooserScene)
    a.step([])
    ids = [s.id for s in a.scene.summaries]
    assert SCENARIO in ids
    a.scene.index = ids.index(SCENARIO)
    press(a, pygame.K_RIGHT)
    assert a.scene.side == "azerbaijani"
    press(a, pygame.K_RETURN)
    assert isinstance(a.scene, GameScene)
    assert a.scene.humans == ("azerbaijani",)


def test_hotseat_hands_the_window_over_between_players(tmp_path):
    a = App(scenario=SCENARIO, side="both", seed=2, saves_dir=tmp_path)
    scene = a.scene
    assert scene.mode == "handover" and scene.active_side == "armenian"
    press(a, pygame.K_RETURN)
    assert scene.mode == "orders"
    press(a, pygame.K_e, text="e")
    assert scene.mode == "handover" and scene.active_side == "azerbaijani"
    press(a, pygame.K_RETURN)
    press(a, pygame.K_e, text="e")
    a.wait_for_turn()
    assert scene.shown.turn == 1
    assert scene.mode == "handover" and scene.active_side == "armenian"


def test_the_end_of_a_game_compares_it_with_history(tmp_path):
    a = IdleOpponentApp(scenario=SCENARIO, side="none", seed=1, saves_dir=tmp_path)
    a.autoplay(100)
    scene = a.scene
    assert scene.mode == "over"
    comparison = scene.comparison
    assert comparison is not None and comparison.rows
    assert {row.place for row in comparison.rows} >= {"Shusha", "Lachin"}
    assert len(comparison.territory) == scene.session.state.turn + 1
    assert comparison.territory[-1].history_km2 > comparison.territory[0].history_km2


def test_autoplay_command_writes_a_screenshot(tmp_path):
    from sim.cli import main

    shot = tmp_path / "shot.png"
    assert main(["play", SCENARIO, "--autoplay", "1", "--screenshot", str(shot),
                 "--saves", str(tmp_path)]) == 0
    image = pygame.image.load(str(shot))
    assert image.get_size() == (1280, 800)


def test_play_command_refuses_bad_input_with_a_reason(tmp_path, capsys):
    from sim.cli import main

    assert main(["play", "--load", str(tmp_path / "missing.json")]) == 2
    assert "no such save file" in capsys.readouterr().err
    assert main(["play", "--autoplay", "2"]) == 2


def test_play_sets_the_opponent_its_level_and_what_if_levers(tmp_path):
    a = App(scenario=SCENARIO, side="armenian", seed=4, saves_dir=tmp_path,
            computer={"azerbaijani": "historical"},
            levers={"lachin-corridor-never-opened": "true"})
    session = a.scene.session
    assert session.controllers["azerbaijani"].kind == "historical"
    assert session.levers == {"lachin-corridor-never-opened": True}
    assert "lachin-corridor-never-opened=true" in a.scene.note
    b = App(scenario=SCENARIO, side="azerbaijani", seed=4, saves_dir=tmp_path, ai_level=3)
    assert b.scene.session.controllers["armenian"].level == 3


def test_play_command_refuses_control_of_the_players_own_side(tmp_path, capsys):
    from sim.cli import main

    assert main(["play", SCENARIO, "--side", "armenian", "--control", "armenian=ai"]) == 2
    assert "you play armenian" in capsys.readouterr().err
    assert main(["play", "--set", "lachin-corridor-never-opened=true"]) == 2
    assert "--set needs a SCENARIO" in capsys.readouterr().err
    assert main(["play", SCENARIO, "--set", "no-such-lever=1", "--autoplay", "1"]) == 2
    assert "no-such-lever" in capsys.readouterr().err
