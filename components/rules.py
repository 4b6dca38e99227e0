"""Domain rules that a Table Schema cannot express.

Each rule takes the raw tables (text cells, with line numbers) and returns problems. They run
only when the tables passed the schema checks, so cells already have the right types and every
foreign key resolves.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from components.geo import contains, country_geometries
from components.package import Problem, RawTable

Tables = dict[str, RawTable]
HOST_COUNTRY = "KAZ"


def by_id(table: RawTable, key: str) -> dict[str, dict[str, str]]:
    return {cells[key]: cells for _, cells in table.rows}


def coordinate_problems(tables: Tables, countries: dict[str, dict]) -> list[Problem]:
    """Coordinates come in pairs, say what they mark, and fall inside the place's own country."""
    places = tables["places"]
    problems = []
    for line, row in places.rows:
        has_lat, has_lon = row["latitude"] != "", row["longitude"] != ""
        if has_lat != has_lon:
            missing = "longitude" if has_lat else "latitude"
            problems.append(Problem(places.file, line, missing, "a coordinate needs both latitude and longitude"))
            continue
        if not has_lat:
            if row["coord_precision"]:
                problems.append(Problem(places.file, line, "coord_precision", "set, but the place has no coordinate"))
            continue
        if not row["coord_precision"]:
            problems.append(Problem(places.file, line, "coord_precision", "required when a coordinate is given"))
        if not row["coord_source"]:
            problems.append(Problem(places.file, line, "coord_source", "required when a coordinate is given"))
        geometry = countries.get(row["country"])
        lat, lon = float(row["latitude"]), float(row["longitude"])
        if geometry is None:
            problems.append(
                Problem(
                    places.file,
                    line,
                    "country",
                    f"no boundary layer holds `{row['country']}`, so the coordinate cannot be checked",
                )
            )
        elif not contains(geometry, lon, lat):
            message = f"{lat}, {lon} lies outside {row['country']} (check the order: latitude, longitude)"
            problems.append(Problem(places.file, line, "latitude", message))
    return problems


def site_problems(tables: Tables, descriptor: dict, layers: dict[str, dict]) -> list[Problem]:
    """A site filed under a city with a boundary layer (e.g. Almaty) lies inside that boundary."""
    places = tables["places"]
    declared = descriptor.get("x-place-boundaries", {})
    city_layers = {key: value for key, value in declared.items() if key != "description"}
    problems = []
    for line, row in places.rows:
        layer_name = city_layers.get(row["within_place_id"])
        if layer_name is None or layer_name not in layers or row["latitude"] == "" or row["longitude"] == "":
            continue
        lat, lon = float(row["latitude"]), float(row["longitude"])
        inside = any(contains(feature["geometry"], lon, lat) for feature in layers[layer_name]["features"])
        if not inside:
            problems.append(
                Problem(
                    places.file,
                    line,
                    "latitude",
                    f"{lat}, {lon} lies outside the `{layer_name}` boundary, but the place is filed "
                    f"within `{row['within_place_id']}`",
                )
            )
    return problems


def event_place_problems(tables: Tables) -> list[Problem]:
    """Events are about Kazakhstan: each happens at a place in the country."""
    places = by_id(tables["places"], "place_id")
    events = tables["events"]
    return [
        Problem(
            events.file,
            line,
            "place_id",
            f"`{row['place_id']}` is in {places[row['place_id']]['country']}, not Kazakhstan",
        )
        for line, row in events.rows
        if places[row["place_id"]]["country"] != HOST_COUNTRY
    ]


def movement_problems(tables: Tables) -> list[Problem]:
    """A contingent leaves from, or returns to, its own country, and the other end is in Kazakhstan."""
    places = by_id(tables["places"], "place_id")
    movements = tables["contingent_movements"]
    problems = []
    for line, row in movements.rows:
        home_column, away_column = (
            ("origin_place_id", "destination_place_id")
            if row["direction"] == "deployment"
            else ("destination_place_id", "origin_place_id")
        )
        home, away = places[row[home_column]], places[row[away_column]]
        if home["country"] != row["contributor"]:
            problems.append(
                Problem(
                    movements.file,
                    line,
                    home_column,
                    f"`{row[home_column]}` is in {home['country']}, not in the contributing "
                    f"country {row['contributor']}",
                )
            )
        if away["country"] != HOST_COUNTRY:
            problems.append(
                Problem(
                    movements.file, line, away_column, f"`{row[away_column]}` is in {away['country']}, not Kazakhstan"
                )
            )
    return problems


def range_problems(tables: Tables) -> list[Problem]:
    """Every `x_low`/`x_high` pair: both given or both empty, and low not above high."""
    problems = []
    for table in tables.values():
        names = [spec["name"] for spec in table.fields()]
        for low in (name for name in names if name.endswith("_low")):
            high = low.removesuffix("_low") + "_high"
            if high not in names:
                continue
            for line, row in table.rows:
                if (row[low] == "") != (row[high] == ""):
                    empty = low if row[low] == "" else high
                    problems.append(Problem(table.file, line, empty, f"give both {low} and {high}, or neither"))
                elif row[low] and int(row[low]) > int(row[high]):
                    problems.append(Problem(table.file, line, low, f"{row[low]} is greater than {high} {row[high]}"))
    return problems


def date_problems(tables: Tables, window: dict) -> list[Problem]:
    """Dates fall in the study window; a month-precision date is written as the 1st."""
    start = date.fromisoformat(window["start"])
    until = date.fromisoformat(window["later_reports_until"])
    problems = []
    for table in tables.values():
        for spec in table.fields():
            if not spec.get("x-in-study-window"):
                continue
            column = spec["name"]
            for line, row in table.rows:
                if not row[column]:
                    continue
                when = date.fromisoformat(row[column])
                if not start <= when <= until:
                    problems.append(
                        Problem(table.file, line, column, f"{when} is outside the study window {start} to {until}")
                    )
                if row.get("date_precision") == "month" and when.day != 1:
                    problems.append(
                        Problem(table.file, line, column, "date_precision is `month`, so the day must be 01")
                    )
    return problems


def source_problems(tables: Tables) -> list[Problem]:
    """A source without an address must say why it is still used."""
    sources = tables["sources"]
    return [
        Problem(sources.file, line, "reliability_note", "required when `url` is empty")
        for line, row in sources.rows
        if not row["url"] and not row["reliability_note"]
    ]


def revision_problems(tables: Tables) -> list[Problem]:
    """A revision points at an earlier claim about the same thing, never at itself."""
    reports = tables["casualty_reports"]
    known = by_id(reports, "report_id")
    problems = []
    for line, row in reports.rows:
        earlier_id = row["revises_report_id"]
        if not earlier_id:
            continue
        earlier = known[earlier_id]
        if earlier_id == row["report_id"]:
            problems.append(Problem(reports.file, line, "revises_report_id", "a report cannot revise itself"))
        elif earlier["date"] > row["date"]:
            problems.append(
                Problem(
                    reports.file,
                    line,
                    "revises_report_id",
                    f"`{earlier_id}` is dated {earlier['date']}, after this report ({row['date']})",
                )
            )
        if earlier["category"] != row["category"]:
            problems.append(
                Problem(
                    reports.file,
                    line,
                    "revises_report_id",
                    f"`{earlier_id}` counts {earlier['category']}, this report {row['category']}",
                )
            )
    return problems


def quote_problems(tables: Tables) -> list[Problem]:
    """Quotes not in English carry an English rendering; untranslated quotes are in English."""
    quotes = tables["quotes"]
    problems = []
    for line, row in quotes.rows:
        if row["language"] != "en" and not row["text_en"]:
            problems.append(Problem(quotes.file, line, "text_en", f"required because `language` is {row['language']}"))
        if row["translation"] == "none" and row["language"] != "en":
            problems.append(
                Problem(
                    quotes.file,
                    line,
                    "translation",
                    f"`none` means spoken in English, but `language` is {row['language']}",
                )
            )
    return problems


STATE_ONLY = ("state_controlled", "propaganda")
NO_INDEPENDENT_REPORT = "no independent report was found"


def state_only_problems(tables: Tables) -> list[Problem]:
    """What the page states as fact (an event's summary, a place's coordinate, a contingent's movement) rests on
    at least one source that is neither state-controlled nor propaganda, unless the row is marked as a claim: an
    event with `account` `claimed`, or a place or movement whose notes say that no independent report was found."""
    sources = by_id(tables["sources"], "source_id")
    stated = [
        (
            tables["events"],
            lambda row: row["account"] != "claimed",
            "or set `account` to `claimed` and name the claimant in `summary`",
        ),
        (
            tables["places"],
            lambda row: row["latitude"] != "" and NO_INDEPENDENT_REPORT not in row["notes"],
            f"or say in `notes` that {NO_INDEPENDENT_REPORT}",
        ),
        (
            tables["contingent_movements"],
            lambda row: NO_INDEPENDENT_REPORT not in row["notes"],
            f"or say in `notes` that {NO_INDEPENDENT_REPORT}",
        ),
    ]
    problems = []
    for table, states_fact, remedy in stated:
        for line, row in table.rows:
            ids = [source_id for source_id in row["source_ids"].split(";") if source_id]
            if not states_fact(row) or any(sources[i]["outlet_control"] not in STATE_ONLY for i in ids):
                continue
            cited = ", ".join(f"{i} ({sources[i]['outlet_control'].replace('_', '-')})" for i in ids)
            message = (
                f"stated as fact but cites only state-controlled or propaganda sources: {cited}; "
                f"cite an independent source, {remedy}"
            )
            problems.append(Problem(table.file, line, "source_ids", message))
    return problems


def all_rule_problems(tables: Tables, descriptor: dict, layers: dict[str, dict]) -> list[Problem]:
    countries = country_geometries(layers.values())
    rules: list[Callable[[], list[Problem]]] = [
        lambda: coordinate_problems(tables, countries),
        lambda: site_problems(tables, descriptor, layers),
        lambda: event_place_problems(tables),
        lambda: movement_problems(tables),
        lambda: range_problems(tables),
        lambda: date_problems(tables, descriptor["x-study-window"]),
        lambda: source_problems(tables),
        lambda: revision_problems(tables),
        lambda: quote_problems(tables),
        lambda: state_only_problems(tables),
    ]
    return [problem for rule in rules for problem in rule()]
