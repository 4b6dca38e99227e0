"""Each validation rule, shown failing on a broken copy of a small valid package."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from components.data.dataset import DatasetError, check, load_dataset
from tests.conftest import run_validate


def edit(name: str, old: str, new: str) -> Callable[[Path], None]:
    """A fault made by replacing text in one file of the package (the text must be there)."""

    def apply(package: Path) -> None:
        path = package / name
        text = path.read_text(encoding="utf-8")
        assert old in text, f"fixture no longer contains {old!r}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    return apply


def write_bytes(name: str, payload: bytes) -> Callable[[Path], None]:
    def apply(package: Path) -> None:
        (package / name).write_bytes(payload)

    return apply


def remove(name: str) -> Callable[[Path], None]:
    def apply(package: Path) -> None:
        (package / name).unlink()

    return apply


def append_line(name: str, line: str) -> Callable[[Path], None]:
    def apply(package: Path) -> None:
        with (package / name).open("a", encoding="utf-8") as handle:
            handle.write(line + "\n")

    return apply


# (fault, expected location "file:line:column", words the message must contain)
CASES = {
    "missing file": (remove("quotes.csv"), "quotes.csv", "file not found"),
    "empty file": (write_bytes("actors.csv", b""), "actors.csv", "file is empty"),
    "missing column": (
        edit("places.csv", ",coord_source,", ","),
        "places.csv:1:coord_source",
        "column missing",
    ),
    "unknown column": (
        edit("sources.csv", "reliability_note\n", "reliability_note,rating\n"),
        "sources.csv:1:rating",
        "not defined in datapackage.json",
    ),
    "wrong cell count": (
        edit("events.csv", "zas,,,S13,", "zas,,,S13,,extra"),
        "events.csv:2",
        "has 15 cells",
    ),
    "wrong type": (
        edit("force_deployments.csv", "2500,2500", "2500,about 2500"),
        "force_deployments.csv:2:personnel_high",
        "not a whole number",
    ),
    "not a number": (
        edit("places.csv", "43.2525", "43.25N"),
        "places.csv:3:latitude",
        "not a number",
    ),
    "impossible date": (
        edit("events.csv", "2022-01-06", "2022-02-30"),
        "events.csv:2:date",
        "not a real calendar date",
    ),
    "date in the wrong form": (
        edit("quotes.csv", "2022-01-07", "07/01/2022"),
        "quotes.csv:2:date",
        "YYYY-MM-DD",
    ),
    "required value empty": (
        edit("actors.csv", "Stanislav Zas", ""),
        "actors.csv:4:name",
        "required value is empty",
    ),
    "value outside enum": (
        edit("casualty_reports.csv", "official,,,,,S66,", "rumour,,,,,S66,"),
        "casualty_reports.csv:2:status",
        "is not one of",
    ),
    "pattern mismatch": (
        edit("sources.csv", "S197,", "S-197,"),
        "sources.csv:5:source_id",
        "does not match the pattern",
    ),
    "text longer than allowed": (
        edit("events.csv", ",44,,S66;S01,", ",44," + "x" * 31 + ",S66;S01,"),
        "events.csv:3:milestone",
        "the most allowed is 30",
    ),
    "below minimum": (
        edit("casualty_reports.csv", "8,8,8", "-8,8,8"),
        "casualty_reports.csv:2:value_low",
        "below the minimum",
    ),
    "duplicate key": (
        edit("actors.csv", "zas,Stanislav", "tokayev,Stanislav"),
        "actors.csv:4:actor_id",
        "duplicates line 2",
    ),
    "dangling foreign key": (
        edit("events.csv", "2022-01-06,day,,almaty-airport", "2022-01-06,day,,almaty-airprot"),
        "events.csv:2:place_id",
        "`almaty-airprot` matches no place_id in places.csv",
    ),
    "dangling item in a list": (
        edit("events.csv", "kz-interior-ministry;tokayev", "kz-interior-ministry;tokaev"),
        "events.csv:3:actor_ids",
        "`tokaev` matches no actor_id",
    ),
    "row without a source": (
        edit("force_deployments.csv", "official,,S13,", "official,,,"),
        "force_deployments.csv:2:source_ids",
        "required value is empty",
    ),
    "source that does not exist": (
        edit("quotes.csv", "Interview,S13,", "Interview,S999,"),
        "quotes.csv:3:source_ids",
        "`S999` matches no source_id",
    ),
    "unclosed quote": (
        append_line("quotes.csv", 'Q09,tokayev,President,2022-01-07,day,"an unfinished quote,en'),
        "quotes.csv:5",
        "unclosed quote",
    ),
    "non-UTF-8 bytes": (
        write_bytes("actors.csv", "actor_id,name\nzas,Stanislav Z\u00e1s\n".encode("latin-1")),
        "actors.csv:2",
        "not valid UTF-8",
    ),
    "coordinate outside its country": (
        edit("places.csv", "55.5796,36.7039", "43.2525,76.9115"),
        "places.csv:5:latitude",
        "lies outside RUS",
    ),
    "latitude and longitude swapped": (
        edit("places.csv", "43.2525,76.9115", "76.9115,43.2525"),
        "places.csv:3:latitude",
        "lies outside KAZ",
    ),
    "site outside its city's boundary": (
        edit("places.csv", "43.3553,77.0447", "43.6553,77.0447"),
        "places.csv:4:latitude",
        "outside the `almaty` boundary",
    ),
    "half a coordinate": (
        edit("places.csv", "43.3553,77.0447", "43.3553,"),
        "places.csv:4:longitude",
        "needs both latitude and longitude",
    ),
    "coordinate without precision": (
        edit("places.csv", "77.0447,site,", "77.0447,,"),
        "places.csv:4:coord_precision",
        "required when a coordinate is given",
    ),
    "event outside Kazakhstan": (
        edit("events.csv", "2022-01-06,day,,almaty-airport", "2022-01-06,day,,kubinka"),
        "events.csv:2:place_id",
        "is in RUS, not Kazakhstan",
    ),
    "CSTO origin outside the contributing country": (
        edit("contingent_movements.csv", "RUS,45th", "BLR,45th"),
        "contingent_movements.csv:2:origin_place_id",
        "not in the contributing country BLR",
    ),
    "low above high": (
        edit("force_deployments.csv", "2500,2500", "2500,2400"),
        "force_deployments.csv:2:personnel_low",
        "greater than personnel_high",
    ),
    "low without high": (
        edit("casualty_reports.csv", "18,18,18", "18,,18"),
        "casualty_reports.csv:3:value_high",
        "give both value_low and value_high",
    ),
    "date outside the study window": (
        edit("events.csv", "2022-01-07,day,15:19", "2021-12-20,day,15:19"),
        "events.csv:3:date",
        "outside the study window",
    ),
    "month precision on a day other than the 1st": (
        edit(
            "force_deployments.csv",
            "2022-01-06,day,announced,official,,S13,\n",
            "2022-01-06,month,announced,official,,S13,\n",
        ),
        "force_deployments.csv:2:date",
        "the day must be 01",
    ),
    "source without address or note": (
        edit("sources.csv", "No address was stored.", ""),
        "sources.csv:6:reliability_note",
        "required when `url` is empty",
    ),
    "revision dated before the claim it revises": (
        edit("casualty_reports.csv", "2022-01-07,day,,official,C01", "2022-01-05,day,,official,C01"),
        "casualty_reports.csv:3:revises_report_id",
        "after this report",
    ),
    "revision of a different category": (
        edit("casualty_reports.csv", "official,C01,", "official,C03,"),
        "casualty_reports.csv:3:revises_report_id",
        "has category deaths_attackers",
    ),
    "quote not in English without a rendering": (
        edit("quotes.csv", "ru,About 2500 people,", "ru,,"),
        "quotes.csv:3:text_en",
        "required because `language` is ru",
    ),
    "national scope for a city's figure": (
        edit("casualty_reports.csv", "almaty,city,", "almaty,national,"),
        "casualty_reports.csv:4:scope",
        "`national` but the figure covers `almaty`",
    ),
    "city scope on a country": (
        edit("casualty_reports.csv", "8,8,8,kazakhstan,national,", "8,8,8,kazakhstan,city,"),
        "casualty_reports.csv:2:scope",
        "`kazakhstan` is a country",
    ),
    "revision of a count with another scope": (
        edit("casualty_reports.csv", "18,18,18,kazakhstan,national,", "18,18,18,kazakhstan,one_force,"),
        "casualty_reports.csv:3:revises_report_id",
        "has scope national, this report one_force",
    ),
    "later figure equal to a withdrawn one, not marked as a repeat": (
        append_line(
            "casualty_reports.csv",
            "C04,deaths_total,164,164,164,kazakhstan,national,kz-interior-ministry,2022-01-09,day,,official_retracted,,,,,S66,"
            "\nC05,deaths_total,164,164,at least 164,kazakhstan,national,kz-interior-ministry,2022-01-11,day,,media,"
            ",,,,S66,",
        ),
        "casualty_reports.csv:6:repeats_report_id",
        "withdrawn on 2022-01-09",
    ),
    "repeat with another figure": (
        append_line(
            "casualty_reports.csv",
            "C04,deaths_total,164,164,164,kazakhstan,national,kz-interior-ministry,2022-01-09,day,,official_retracted,,,,,S66,\n"
            "C05,deaths_total,160,160,160,kazakhstan,national,kz-interior-ministry,2022-01-11,day,,media,,C04,,,S66,",
        ),
        "casualty_reports.csv:6:repeats_report_id",
        "a repeat carries the same figure",
    ),
    "part larger than its whole": (
        edit("casualty_reports.csv", "official,C01,,,,S66;S01,", "official,C01,,C01,,S66;S01,"),
        "casualty_reports.csv:3:part_of_report_id",
        "18 is more than the 8 of `C01`",
    ),
    "overlap listed one way only": (
        edit("casualty_reports.csv", "official,,,,,S66,\nC02", "official,,,,C02,S66,\nC02"),
        "casualty_reports.csv:2:may_overlap_report_ids",
        "`C02` does not list `C01` back",
    ),
    "period described ending after publication": (
        edit("casualty_reports.csv", "2022-01-06,day,,official,,", "2022-01-06,day,2022-01-08,official,,"),
        "casualty_reports.csv:2:refers_to",
        "after the figure was made public",
    ),
    "the same claim stored twice": (
        append_line(
            "casualty_reports.csv",
            "C04,deaths_security_forces,8,8,eight,kazakhstan,national,kz-interior-ministry,2022-01-06,day,,official,,,,,S13,",
        ),
        "casualty_reports.csv:5:report_id",
        "the same claim as `C01`",
    ),
    "media figure above every official total, not an outlier": (
        append_line(
            "force_deployments.csv",
            "F03,RUS,kazakhstan,3000,3000,,about 3000,,zas,2022-01-07,day,announced,media,,S13,",
        ),
        "force_deployments.csv:4:status",
        "should be `media_outlier`",
    ),
    "paraphrase without the outlet whose sentence it is": (
        edit("quotes.csv", "paraphrase,BBC News,", "paraphrase,,"),
        "quotes.csv:4:reported_by",
        "required for a paraphrase",
    ),
    "seed paragraph carried by no row": (
        edit("seed_map.csv", "fact,casualty_reports:C02;quotes:Q01,", "fact,,"),
        "seed_map.csv:2:rows",
        "needs at least one row",
    ),
    "seed paragraph mapped to a missing row": (
        edit("seed_map.csv", "quotes:Q01,", "quotes:Q99,"),
        "seed_map.csv:2:rows",
        "no row `Q99` in `quotes`",
    ),
    "event stated as fact on state media alone": (
        edit("events.csv", "had arrived.,claimed,", "had arrived.,reported,"),
        "events.csv:2:source_ids",
        "cites only state-controlled or propaganda sources: S13 (state-controlled)",
    ),
    "coordinate resting on state media alone": (
        edit("places.csv", "GeoNames 1526384,S197,", "GeoNames 1526384,S66,"),
        "places.csv:3:source_ids",
        "cites only state-controlled or propaganda sources: S66 (state-controlled)",
    ),
    "movement on state media alone, not marked as a claim": (
        edit("contingent_movements.csv", "; no independent report was found.", "."),
        "contingent_movements.csv:2:source_ids",
        "say in `notes` that no independent report was found",
    ),
    "outlet control outside its list": (
        edit(
            "sources.csv",
            "state_media,state_controlled,RUS,https://example.org/s13",
            "state_media,state_owned,RUS,https://example.org/s13",
        ),
        "sources.csv:3:outlet_control",
        "is not one of",
    ),
    "missing boundary file": (remove("geo/csto_countries.geojson"), "geo/csto_countries.geojson", "not found"),
    "malformed datapackage.json": (
        edit("datapackage.json", '"resources": [', '"resources": [[,'),
        "datapackage.json",
        "not valid JSON",
    ),
}


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_each_fault_is_reported_with_file_row_and_column(mini_package: Path, case: str) -> None:
    fault, location, words = CASES[case]
    fault(mini_package)
    *_, problems = check(mini_package)
    rendered = [str(problem) for problem in problems]
    matching = [line for line in rendered if line.startswith(location + ":") and words in line]
    assert matching, f"no problem at {location} mentioning {words!r}; got:\n" + "\n".join(rendered)


def test_the_small_package_is_valid(mini_package: Path) -> None:
    *_, problems = check(mini_package)
    assert problems == []


def test_every_problem_is_reported_at_once(mini_package: Path) -> None:
    for key in ("dangling foreign key", "wrong type", "required value empty"):
        CASES[key][0](mini_package)
    with pytest.raises(DatasetError) as raised:
        load_dataset(mini_package)
    message = str(raised.value)
    assert message.startswith("The data package has 3 problems:")
    for key in ("dangling foreign key", "wrong type", "required value empty"):
        assert CASES[key][1] in message


def test_validate_command_exits_non_zero_with_the_report(mini_package: Path) -> None:
    CASES["coordinate outside its country"][0](mini_package)
    result = run_validate(mini_package)
    assert result.returncode == 1
    assert "places.csv:5:latitude:" in result.stderr
    assert "lies outside RUS" in result.stderr


def test_validate_command_passes_the_real_data() -> None:
    result = run_validate("data")
    assert result.returncode == 0, result.stderr
    assert "valid" in result.stdout


def test_descriptor_without_resources_is_reported(mini_package: Path) -> None:
    (mini_package / "datapackage.json").write_text(json.dumps({"name": "x"}), encoding="utf-8")
    *_, problems = check(mini_package)
    assert [str(problem) for problem in problems] == ["datapackage.json: expected an object with a `resources` list"]
