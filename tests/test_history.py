"""The historical timeline: its contents, the quote check, the date arithmetic and the command."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest

from sim.cli import main
from sim.history import (
    DEFAULT_SOURCE,
    DEFAULT_TIMELINE,
    KINDS,
    HistoricalEvent,
    SourceText,
    Timeline,
    TimelineError,
    compare_dates,
    date_phrase,
    load_timeline,
)
from sim.theatre import load_theatre

ROOT = Path(__file__).resolve().parent.parent

KEY_CHANGES = {
    "khojaly-captured", "shusha-captured", "lachin-captured", "shahumyan-captured",
    "martakert-lost-1992", "kalbajar-captured", "martakert-retaken-1993", "agdam-captured",
    "fuzuli-captured", "jabrayil-captured", "qubadli-captured", "zangilan-captured",
    "horadiz-recaptured", "ceasefire-1994",
}


@pytest.fixture(scope="module")
def timeline() -> Timeline:
    return load_timeline()


def _event(timeline: Timeline, event_id: str) -> HistoricalEvent:
    event = timeline.get(event_id)
    assert event is not None, event_id
    return event


def _window(start: date, end: date | None = None) -> HistoricalEvent:
    return HistoricalEvent(
        id="x", date=start, end_date=end or start, date_text="", kind="political",
        summary="", quote="", section="", source="",
    )


# --- the files -------------------------------------------------------------------------------


def test_the_project_keeps_its_own_copy_of_the_source() -> None:
    assert DEFAULT_SOURCE.is_relative_to(ROOT / "scenarios" / "source")
    assert DEFAULT_TIMELINE == ROOT / "scenarios" / "timeline.toml"
    readme = (ROOT / "scenarios" / "source" / "README.md").read_text(encoding="utf-8")
    for needed in ("First Nagorno-Karabakh War", "English Wikipedia", "CC BY-SA 4.0",
                   "Wikipedia contributors", "tables were lost"):
        assert needed in readme


def test_at_least_forty_events_from_late_1991_to_may_1994(timeline: Timeline) -> None:
    assert len(timeline) >= 40
    assert min(e.date for e in timeline) >= date(1991, 9, 1)
    assert max(e.end_date for e in timeline) <= date(1994, 5, 31)
    assert min(e.date for e in timeline) < date(1992, 1, 1)
    assert any(e.date.year == 1994 and e.date.month == 5 for e in timeline)
    assert list(timeline.events) == sorted(timeline.events, key=lambda e: (e.date, e.end_date))
    assert {e.kind for e in timeline} <= set(KINDS)


def test_every_quote_is_verbatim_in_the_source_under_its_heading(timeline: Timeline) -> None:
    """Checked here without the loader's help: whitespace is the only thing normalised."""
    text = DEFAULT_SOURCE.read_text(encoding="utf-8")
    flat = " ".join(text.split())
    headings = [m.group(2) for m in re.finditer(r"^(=+) *(.*?) *\1 *$", text, re.M)]
    for event in timeline:
        assert " ".join(event.quote.split()) in flat, event.id
        assert event.section in headings, event.id
        assert event.source.startswith(f"source §{event.section}"), event.id


def test_estimates_say_why_and_others_do_not(timeline: Timeline) -> None:
    for event in timeline:
        assert (event.why is not None) == event.estimate, event.id
        assert event.end_date >= event.date, event.id


def test_every_place_is_on_the_theatre_map(timeline: Timeline) -> None:
    theatre = load_theatre()
    districts = {d.id for d in theatre.districts}
    for event in timeline:
        for pid in event.places:
            assert pid in theatre.places, (event.id, pid)
        if event.place is not None:
            assert event.places == (event.place,)
        if event.district is not None:
            assert event.district in districts
        if event.change is not None:
            place = theatre.places[event.change.place]
            assert place.index is not None, event.id
            assert event.change.place in event.places
            assert event.kind == "capture"
            assert event.change.from_side != event.change.to_side


@pytest.mark.parametrize(
    ("event_id", "start", "end", "place", "to_side"),
    [
        ("khojaly-captured", date(1992, 2, 25), date(1992, 2, 26), "khojaly", "armenian"),
        ("shusha-captured", date(1992, 5, 8), date(1992, 5, 9), "shusha", "armenian"),
        ("lachin-captured", date(1992, 5, 18), date(1992, 5, 19), "lachin", "armenian"),
        ("shahumyan-captured", date(1992, 6, 12), date(1992, 6, 14), "shahumyan", "azerbaijani"),
        ("kalbajar-captured", date(1993, 4, 2), date(1993, 4, 3), "kalbajar", "armenian"),
        ("martakert-retaken-1993", date(1993, 6, 21), date(1993, 6, 30), "martakert",
         "armenian"),
        ("horadiz-recaptured", date(1994, 1, 1), date(1994, 1, 10), "horadiz", "azerbaijani"),
    ],
)
def test_key_changes_of_control_have_the_source_dates(
    timeline: Timeline, event_id: str, start: date, end: date, place: str, to_side: str
) -> None:
    event = _event(timeline, event_id)
    assert (event.date, event.end_date) == (start, end)
    assert event.key and not event.estimate
    assert event.change is not None
    assert (event.change.place, event.change.to_side) == (place, to_side)


def test_the_ceasefire_and_the_set_of_key_events(timeline: Timeline) -> None:
    ceasefire = _event(timeline, "ceasefire-1994")
    assert ceasefire.kind == "ceasefire"
    assert ceasefire.date == ceasefire.end_date == date(1994, 5, 12)
    assert {e.id for e in timeline if e.key} == KEY_CHANGES


def test_implied_captures_are_estimates_in_summer_and_autumn_1993(timeline: Timeline) -> None:
    for event_id in ("agdam-captured", "fuzuli-captured", "jabrayil-captured",
                     "qubadli-captured", "zangilan-captured"):
        event = _event(timeline, event_id)
        assert event.estimate and event.why
        assert date(1993, 6, 1) <= event.date <= event.end_date <= date(1993, 11, 30)
    lost = _event(timeline, "martakert-lost-1992")
    assert lost.estimate and lost.date == date(1992, 6, 12)
    for event_id in ("omar-pass-captured", "omar-pass-retaken"):
        event = _event(timeline, event_id)
        assert event.estimate
        assert (event.date, event.end_date) == (date(1993, 12, 1), date(1994, 2, 28))


def test_atrocities_are_recorded_with_whoever_gave_the_figures(timeline: Timeline) -> None:
    massacre = _event(timeline, "khojaly-massacre")
    assert massacre.kind == "atrocity"
    for attribution in ("according to Human Rights Watch", "Azerbaijani authorities", "485"):
        assert attribution in massacre.summary


# --- matching simulated events --------------------------------------------------------------


def test_match_capture_finds_shusha_three_weeks_early(timeline: Timeline) -> None:
    sim_day = date(1992, 4, 18)
    event = timeline.match_capture("shusha", "armenian", sim_day)
    assert event is not None and event.id == "shusha-captured"
    assert timeline.date_phrase(event) == "8–9 May 1992"
    assert timeline.compare_dates(sim_day, event) == "three weeks earlier"


def test_match_capture_picks_the_nearest_of_several(timeline: Timeline) -> None:
    lost = timeline.match_capture("martakert", "azerbaijani", date(1992, 7, 4))
    assert lost is not None and lost.id == "martakert-lost-1992"
    assert compare_dates(date(1992, 7, 4), lost) == "4 days later"
    retaken = timeline.match_capture("martakert", "armenian", date(1994, 3, 1))
    assert retaken is not None and retaken.id == "martakert-retaken-1993"
    assert timeline.match_capture("horadiz", "armenian", date(1993, 9, 1)).id == "horadiz-lost"
    assert timeline.match_capture("horadiz", "azerbaijani", date(1993, 9, 1)).id == (
        "horadiz-recaptured"
    )
    pass_taken = timeline.match_capture("omar-pass", "armenian", date(1993, 5, 1))
    assert pass_taken is not None and pass_taken.id == "omar-pass-taken-1993"
    retaken = timeline.match_capture("omar-pass", "armenian", date(1994, 3, 10))
    assert retaken is not None and retaken.id == "omar-pass-retaken"
    assert timeline.match_capture("shusha", "azerbaijani", date(1992, 6, 1)) is None
    assert timeline.match_capture("stepanakert", "azerbaijani", date(1992, 6, 1)) is None


def test_compare_dates_in_words() -> None:
    window = _window(date(1992, 5, 8), date(1992, 5, 9))
    assert compare_dates(date(1992, 5, 8), window) == "on the historical date"
    assert compare_dates(date(1992, 5, 9), window) == "on the historical date"
    assert compare_dates(date(1992, 5, 10), window) == "1 day later"
    assert compare_dates(date(1992, 5, 4), window) == "4 days earlier"
    assert compare_dates(date(1992, 5, 23), window) == "two weeks later"
    assert compare_dates(date(1992, 8, 9), window) == "three months later"
    assert compare_dates(date(1993, 5, 9), window) == "a year later"
    assert compare_dates(date(1993, 7, 9), window) == "a year and two months later"
    assert compare_dates(date(1994, 5, 12), window) == "two years later"


@pytest.mark.parametrize(
    ("start", "end", "phrase"),
    [
        (date(1992, 5, 9), None, "9 May 1992"),
        (date(1992, 5, 8), date(1992, 5, 9), "8–9 May 1992"),
        (date(1993, 8, 10), date(1993, 8, 20), "mid-August 1993"),
        (date(1993, 6, 21), date(1993, 6, 30), "late June 1993"),
        (date(1992, 2, 21), date(1992, 2, 29), "late February 1992"),
        (date(1994, 1, 1), date(1994, 1, 10), "early January 1994"),
        (date(1992, 5, 1), date(1992, 5, 31), "May 1992"),
        (date(1993, 1, 1), date(1993, 12, 31), "1993"),
        (date(1994, 1, 1), date(1994, 4, 30), "early 1994"),
        (date(1992, 5, 1), date(1992, 8, 31), "mid-1992"),
        (date(1991, 9, 1), date(1991, 12, 31), "late 1991"),
        (date(1993, 12, 1), date(1994, 2, 28), "winter 1993–94"),
        (date(1993, 7, 1), date(1993, 10, 31), "July–October 1993"),
        (date(1993, 7, 4), date(1993, 8, 20), "4 July – 20 August 1993"),
        (date(1991, 10, 1), date(1992, 4, 30), "October 1991 – April 1992"),
        (date(1991, 9, 21), date(1992, 1, 5), "21 September 1991 – 5 January 1992"),
    ],
)
def test_date_phrases(start: date, end: date | None, phrase: str) -> None:
    assert date_phrase(_window(start, end)) == phrase


def test_due_lists_what_history_passed_in_a_turn(timeline: Timeline) -> None:
    turn = timeline.due(date(1992, 5, 10), date(1992, 5, 24))
    ids = [e.id for e in turn]
    assert "lachin-captured" in ids and "shusha-captured" not in ids
    assert all(date(1992, 5, 10) < e.end_date <= date(1992, 5, 24) for e in turn)
    before = timeline.due(date(1992, 5, 3), date(1992, 5, 10))
    assert "shusha-captured" in [e.id for e in before]
    assert not {e.id for e in before} & set(ids)


# --- problems in the file --------------------------------------------------------------------


def _line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def test_a_tampered_quote_is_reported_with_event_and_line(tmp_path: Path) -> None:
    text = DEFAULT_TIMELINE.read_text(encoding="utf-8")
    real = "they managed to capture the town and force the Azerbaijanis to retreat on 9 May."
    assert real in text
    tampered = text.replace(real, "they managed to seize the town and force the Azerbaijanis "
                                  "to retreat on 9 May.")
    path = tmp_path / "timeline.toml"
    path.write_text(tampered, encoding="utf-8")
    with pytest.raises(TimelineError) as caught:
        load_timeline(path)
    problems = caught.value.problems
    assert len(problems) == 1
    message = str(problems[0])
    line = _line_of(tampered, "they managed to seize")
    assert f"timeline.toml:{line}:" in message
    assert 'event "shusha-captured"' in message
    assert "not verbatim in the source text" in message
    assert real in message  # the closest passage, to show what was meant


def test_all_problems_are_reported_at_once(tmp_path: Path) -> None:
    path = tmp_path / "timeline.toml"
    path.write_text(
        """\
[[events]]
id = "one"
date = 1992-05-09
end_date = 1992-05-08
date_text = "on 9 May"
place = "Shushi"
kind = "captur"
summary = "x"
quote = "they managed to capture the town and force the Azerbaijanis to retreat on 9 May."
section = "Lachin corridor"
source = "source §Lachin corridor"
colour = "red"

[[events]]
id = "two"
date = "1992-05-09"
date_text = "on 9 May"
kind = "capture"
change = { place = "shusha", from_side = "azerbaijani", to_side = "azerbaijani" }
summary = "x"
quote = "On 8 May a force of several hundred Armenian troops"
section = "Capture of Shusha"
source = "source §Capture of Shusha"
estimate = true
""",
        encoding="utf-8",
    )
    with pytest.raises(TimelineError) as caught:
        load_timeline(path)
    lines = [str(p) for p in caught.value.problems]
    text = "\n".join(lines)
    assert re.search(r"timeline\.toml:4: events\[0\]\.end_date: .*before date", text)
    assert re.search(r'timeline\.toml:6: events\[0\]\.place: .*\(did you mean "shusha"\?\)', text)
    assert re.search(r'events\[0\]\.kind: .*\(did you mean "capture"\?\)', text)
    assert re.search(r"timeline\.toml:10: events\[0\]\.section: .*stands under §Capture of Shusha",
                     text)
    assert re.search(r"timeline\.toml:12: events\[0\]\.colour: unknown key", text)
    assert re.search(r"timeline\.toml:16: events\[1\]\.date: expected a date", text)
    assert re.search(r"events\[1\]\.change\.to_side: .*both", text)
    assert re.search(r"events\[1\]: .*estimate = true needs a 'why'", text)
    assert re.search(r'events\[1\]: .*a capture needs place = "shusha"', text)
    assert len(lines) == 9


def test_a_syntax_error_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "timeline.toml"
    path.write_text('[[events]]\nid = "a"\ndate = 1992-05-0\n', encoding="utf-8")
    with pytest.raises(TimelineError, match=r"timeline\.toml:3: TOML syntax error"):
        load_timeline(path)


def test_closest_passage_survives_punctuation() -> None:
    source = SourceText(DEFAULT_SOURCE.read_text(encoding="utf-8"))
    assert source.closest_passage("Nakhchivan was shelled by Armenian troops in May 1992.") == (
        "Nakhchivan, for example, was shelled by Armenian troops in May 1992."
    )
    assert source.closest_passage("Nothing of the kind appears here at all.") is None
    assert source.sections_of("By 3 April, Armenian forces were in possession of Kalbajar.") == [
        "Kalbajar"
    ]


# --- the command -----------------------------------------------------------------------------

JSON_KEYS = {
    "id", "date", "end_date", "date_text", "date_phrase", "place", "places", "district", "kind",
    "by", "against", "to", "change", "summary", "quote", "section", "source", "key", "estimate",
    "why", "note",
}


def test_history_json_shape(timeline: Timeline, capsys: pytest.CaptureFixture) -> None:
    assert main(["history", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert isinstance(data, list) and len(data) == len(timeline)
    for item in data:
        assert set(item) == JSON_KEYS
        assert date.fromisoformat(item["date"]) <= date.fromisoformat(item["end_date"])
        assert isinstance(item["by"], list) and isinstance(item["against"], list)
    shusha = next(item for item in data if item["id"] == "shusha-captured")
    assert shusha["change"] == {
        "place": "shusha", "from_side": "azerbaijani", "to_side": "armenian"
    }
    assert (shusha["date"], shusha["end_date"], shusha["key"]) == ("1992-05-08", "1992-05-09",
                                                                   True)
    assert shusha["date_phrase"] == "8–9 May 1992"
    assert shusha["by"] == ["armenian"] and shusha["place"] == "shusha"


def test_history_filters(capsys: pytest.CaptureFixture) -> None:
    assert main(["history", "--json", "--kind", "capture", "--from", "1993", "--to",
                 "1993-06"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {item["kind"] for item in data} == {"capture"}
    assert "kalbajar-captured" in {item["id"] for item in data}
    assert all(item["date"] <= "1993-06-30" and item["end_date"] >= "1993-01-01"
               for item in data)
    assert main(["history", "--json", "--key"]) == 0
    assert {item["id"] for item in json.loads(capsys.readouterr().out)} == KEY_CHANGES


def test_history_table(capsys: pytest.CaptureFixture) -> None:
    assert main(["history", "--from", "1992-05-08", "--to", "1992-05-09", "--kind",
                 "capture"]) == 0
    out = capsys.readouterr().out
    assert "8–9 May 1992" in out and "Shusha" in out and "capture *" in out
    assert "\u201cAlthough the Armenians were outnumbered" in out
    assert "CC BY-SA 4.0" in out


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (["--kind", "captur"], 'unknown kind "captur" (did you mean "capture"?)'),
        (["--from", "1992-13"], "--from: expected a date"),
        (["--from", "1993", "--to", "1992"], "is before --from"),
        (["--timeline", "no-such-timeline.toml"], "cannot read the file"),
    ],
)
def test_history_errors_exit_2_without_traceback(
    args: list[str], error: str, capsys: pytest.CaptureFixture
) -> None:
    assert main(["history", *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and error in err
    assert "Traceback" not in err


def test_validate_checks_the_timeline_too(capsys: pytest.CaptureFixture) -> None:
    """`validate scenarios/*.toml` names the timeline: it is checked as one, not as a scenario."""
    assert main(["validate", str(DEFAULT_TIMELINE)]) == 0
    assert "ok (" in capsys.readouterr().out
    from sim.scenario import scenario_files

    assert DEFAULT_TIMELINE not in scenario_files()


def test_history_reports_a_broken_timeline(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    path = tmp_path / "timeline.toml"
    text = DEFAULT_TIMELINE.read_text(encoding="utf-8")
    path.write_text(text.replace("By 3 April, Armenian", "By 4 April, Armenian"), encoding="utf-8")
    assert main(["history", "--timeline", str(path)]) == 2
    err = capsys.readouterr().err
    assert 'event "kalbajar-captured"' in err and "not verbatim" in err
