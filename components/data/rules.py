"""Domain rules that a Table Schema cannot express.

Each rule takes the raw tables (text cells, with line numbers) and returns problems. They run
only when the tables passed the schema checks, so cells already have the right types and every
foreign key resolves.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from components.data.geo import contains, country_geometries
from components.data.package import Problem, RawTable

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


def linked_rows(table: RawTable, key: str, column: str):
    """(line, row, the row it names in `column`) for every row that names another in that column."""
    known = by_id(table, key)
    for line, row in table.rows:
        if row[column]:
            yield line, row, known[row[column]]


def link_problem(
    table: RawTable, line: int, row: dict, linked: dict, column: str, itself: str, dated: bool = True
) -> Problem | None:
    """A row that names itself in `column` ("a report cannot <itself>"), or, where order matters, a later row."""
    if linked["report_id"] == row["report_id"]:
        return Problem(table.file, line, column, f"a report cannot {itself}")
    if dated and linked["date"] > row["date"]:
        message = f"`{linked['report_id']}` is dated {linked['date']}, after this report ({row['date']})"
        return Problem(table.file, line, column, message)
    return None


def revision_problems(tables: Tables) -> list[Problem]:
    """A revision points at an earlier claim about the same thing (category, scope and place), never at itself."""
    reports = tables["casualty_reports"]
    problems = []
    for line, row, earlier in linked_rows(reports, "report_id", "revises_report_id"):
        earlier_id = earlier["report_id"]
        if problem := link_problem(reports, line, row, earlier, "revises_report_id", "revise itself"):
            problems.append(problem)
        for column in ("category", "scope", "scope_place_id"):
            if earlier[column] != row[column]:
                problems.append(
                    Problem(
                        reports.file,
                        line,
                        "revises_report_id",
                        f"`{earlier_id}` has {column} {earlier[column]}, this report {row[column]}: a revision "
                        "updates a count of the same thing",
                    )
                )
    return problems


SCOPE_PLACE_KINDS = {"region": "region", "city": "city"}
NATIONAL_PLACE = "kazakhstan"


def scope_problems(tables: Tables) -> list[Problem]:
    """A national figure covers the whole country; a region's or a city's figure names a place of that kind."""
    reports, places = tables["casualty_reports"], by_id(tables["places"], "place_id")
    problems = []
    for line, row in reports.rows:
        place = row["scope_place_id"]
        if row["scope"] == "national" and place != NATIONAL_PLACE:
            problems.append(
                Problem(reports.file, line, "scope", f"`national` but the figure covers `{place}`, not the country")
            )
        wanted = SCOPE_PLACE_KINDS.get(row["scope"])
        if wanted and places[place]["kind"] != wanted:
            problems.append(
                Problem(reports.file, line, "scope", f"`{row['scope']}` but `{place}` is a {places[place]['kind']}")
            )
    return problems


def repeat_problems(tables: Tables) -> list[Problem]:
    """A repeat carries the same figure as an earlier claim of the same category; and a later figure equal to a
    withdrawn one, for the same thing, must say it repeats it, so that it is never drawn as new evidence."""
    reports = tables["casualty_reports"]
    known = by_id(reports, "report_id")
    problems = []
    for line, row in reports.rows:
        repeated_id = row["repeats_report_id"]
        if repeated_id:
            repeated = known[repeated_id]
            if problem := link_problem(reports, line, row, repeated, "repeats_report_id", "repeat itself"):
                problems.append(problem)
            if (repeated["category"], repeated["value_high"]) != (row["category"], row["value_high"]):
                message = (
                    f"`{repeated_id}` counts {repeated['value_high'] or 'no number'} {repeated['category']}, this "
                    f"report {row['value_high'] or 'no number'} {row['category']}: a repeat carries the same figure"
                )
                problems.append(Problem(reports.file, line, "repeats_report_id", message))
            if row["revises_report_id"]:
                problems.append(
                    Problem(reports.file, line, "revises_report_id", "a repeat revises nothing: leave this empty")
                )
        if row["status"] == "official_retracted" or repeated_id:
            continue
        for other_id, other in known.items():
            if (
                other["status"] == "official_retracted"
                and other["date"] < row["date"]
                and other["value_high"]
                and (other["category"], other["scope"], other["scope_place_id"], other["value_high"])
                == (row["category"], row["scope"], row["scope_place_id"], row["value_high"])
            ):
                message = (
                    f"the same figure as `{other_id}`, withdrawn on {other['date']}: set repeats_report_id to "
                    f"`{other_id}` if it repeats it"
                )
                problems.append(Problem(reports.file, line, "repeats_report_id", message))
    return problems


def part_problems(tables: Tables) -> list[Problem]:
    """A part of a count is not larger than the count, and not the count itself."""
    reports = tables["casualty_reports"]
    problems = []
    for line, row, whole in linked_rows(reports, "report_id", "part_of_report_id"):
        whole_id = whole["report_id"]
        if problem := link_problem(reports, line, row, whole, "part_of_report_id", "be part of itself", dated=False):
            problems.append(problem)
        elif row["value_high"] and whole["value_high"] and int(row["value_high"]) > int(whole["value_high"]):
            message = f"{row['value_high']} is more than the {whole['value_high']} of `{whole_id}` it is part of"
            problems.append(Problem(reports.file, line, "part_of_report_id", message))
    return problems


def overlap_problems(tables: Tables) -> list[Problem]:
    """Counts that may hold the same people point at each other."""
    reports = tables["casualty_reports"]
    listed = {row["report_id"]: set(filter(None, row["may_overlap_report_ids"].split(";"))) for _, row in reports.rows}
    problems = []
    for line, row in reports.rows:
        for other_id in sorted(listed[row["report_id"]]):
            if other_id == row["report_id"]:
                problems.append(Problem(reports.file, line, "may_overlap_report_ids", "a report cannot list itself"))
            elif row["report_id"] not in listed[other_id]:
                message = f"`{other_id}` does not list `{row['report_id']}` back"
                problems.append(Problem(reports.file, line, "may_overlap_report_ids", message))
    return problems


def refers_to_problems(tables: Tables) -> list[Problem]:
    """The period a figure describes runs forwards and ends by the day the figure was made public."""
    reports = tables["casualty_reports"]
    problems = []
    for line, row in reports.rows:
        if not row["refers_to"]:
            continue
        first, _, last = row["refers_to"].partition("/")
        last = last or first
        try:
            start, end = date.fromisoformat(first), date.fromisoformat(last)
        except ValueError:
            problems.append(Problem(reports.file, line, "refers_to", f"`{row['refers_to']}` is not a real date"))
            continue
        if start > end:
            problems.append(Problem(reports.file, line, "refers_to", f"the period ends before it starts ({start})"))
        if end > date.fromisoformat(row["date"]):
            message = f"the period ends on {end}, after the figure was made public ({row['date']})"
            problems.append(Problem(reports.file, line, "refers_to", message))
    return problems


def duplicate_claim_problems(tables: Tables) -> list[Problem]:
    """The same claim is stored once: one claimant's figure for one thing on one day, unless a row repeats it."""
    reports = tables["casualty_reports"]
    seen: dict[tuple, str] = {}
    problems = []
    for line, row in reports.rows:
        key = (
            row["claimant_actor_id"],
            row["category"],
            row["scope"],
            row["scope_place_id"],
            row["value_low"],
            row["value_high"],
            row["date"],
        )
        if key in seen and row["repeats_report_id"] != seen[key]:
            message = f"the same claim as `{seen[key]}` (claimant, figure, scope and date); keep one row"
            problems.append(Problem(reports.file, line, "report_id", message))
        seen.setdefault(key, row["report_id"])
    return problems


WHOLE_FORCE = "CSTO"
NOT_THE_FORCE_SENT = {"standing"}


def force_status_problems(tables: Tables) -> list[Problem]:
    """One rule for media outliers: a media figure above every official figure for the whole force."""
    claims = tables["force_deployments"]
    official_totals = [
        int(row["personnel_high"])
        for _, row in claims.rows
        if row["status"] == "official" and row["contributor"] == WHOLE_FORCE and row["personnel_high"]
    ]
    ceiling = max(official_totals, default=None)
    problems = []
    for line, row in claims.rows:
        if row["status"] not in ("media", "media_outlier") or ceiling is None:
            continue
        outlier = bool(row["personnel_high"]) and row["phase"] not in NOT_THE_FORCE_SENT
        outlier = outlier and int(row["personnel_high"]) > ceiling
        if outlier != (row["status"] == "media_outlier"):
            wanted = "media_outlier" if outlier else "media"
            message = (
                f"should be `{wanted}`: the figure ({row['personnel_high'] or 'none'}) is "
                f"{'above' if outlier else 'not above'} the largest official figure for the whole force ({ceiling})"
            )
            problems.append(Problem(claims.file, line, "status", message))
        repeated_id = row["repeats_claim_id"]
        if repeated_id:
            repeated = by_id(claims, "claim_id")[repeated_id]
            if (repeated["contributor"], repeated["personnel_high"]) != (row["contributor"], row["personnel_high"]):
                message = f"`{repeated_id}` gives another figure: a repeat carries the same figure"
                problems.append(Problem(claims.file, line, "repeats_claim_id", message))
    return problems


def quote_problems(tables: Tables) -> list[Problem]:
    """Quotes not in English carry an English rendering; untranslated quotes are in English; a paraphrase names the
    outlet whose sentence it is; a variant points at an original that is not itself a variant."""
    quotes = tables["quotes"]
    known = by_id(quotes, "quote_id")
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
        if (row["form"] == "paraphrase") != bool(row["reported_by"]):
            message = (
                "required for a paraphrase: the outlet whose sentence it is"
                if row["form"] == "paraphrase"
                else f"only a paraphrase is the outlet's sentence, and this quote is `{row['form']}`"
            )
            problems.append(Problem(quotes.file, line, "reported_by", message))
        original_id = row["variant_of_quote_id"]
        if original_id == row["quote_id"]:
            problems.append(Problem(quotes.file, line, "variant_of_quote_id", "a quote cannot be a variant of itself"))
        elif original_id and known[original_id]["variant_of_quote_id"]:
            message = f"`{original_id}` is itself a variant; point at the original it renders"
            problems.append(Problem(quotes.file, line, "variant_of_quote_id", message))
    return problems


KINDS_WITHOUT_ROWS = {"heading", "caption"}


def record_keys(tables: Tables) -> dict[str, set[str]]:
    """Every table's primary-key values, by table name."""
    return {
        table.resource["name"]: {cells[table.resource["primaryKey"][0]] for _, cells in table.rows}
        for table in tables.values()
        if table.resource.get("primaryKey")
    }


def reference_problem(item: str, keys: dict[str, set[str]]) -> str | None:
    """What is wrong with a `table:id` reference, or None when it names a row that exists."""
    table, _, record = item.partition(":")
    if table not in keys:
        return f"`{item}`: no table called `{table}`"
    if record not in keys[table]:
        return f"`{item}`: no row `{record}` in `{table}`"
    return None


def seed_map_problems(tables: Tables) -> list[Problem]:
    """Every paragraph of the seed that says something is carried by rows that exist."""
    seed_map, keys = tables["seed_map"], record_keys(tables)
    problems = []
    for line, row in seed_map.rows:
        items = [item for item in row["rows"].split(";") if item]
        if not items and row["kind"] not in KINDS_WITHOUT_ROWS:
            problems.append(Problem(seed_map.file, line, "rows", f"a `{row['kind']}` paragraph needs at least one row"))
        problems += [
            Problem(seed_map.file, line, "rows", message)
            for message in (reference_problem(item, keys) for item in items)
            if message
        ]
    return problems


def key_fact_problems(tables: Tables, descriptor: dict) -> list[Problem]:
    """Each line of the opening's "what is known, and what is not" names at least one row, and every row exists."""
    keys, problems = record_keys(tables), []
    for side in ("settled", "disputed"):
        for index, item in enumerate(descriptor.get("x-known", {}).get(side, [])):
            where = f"x-known.{side}[{index}]"
            if not item.get("rows"):
                problems.append(Problem("datapackage.json", None, where, "names no row that supports it"))
            problems += [
                Problem("datapackage.json", None, where, message)
                for message in (reference_problem(row, keys) for row in item.get("rows", []))
                if message
            ]
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
        lambda: scope_problems(tables),
        lambda: repeat_problems(tables),
        lambda: part_problems(tables),
        lambda: overlap_problems(tables),
        lambda: refers_to_problems(tables),
        lambda: duplicate_claim_problems(tables),
        lambda: force_status_problems(tables),
        lambda: quote_problems(tables),
        lambda: seed_map_problems(tables),
        lambda: key_fact_problems(tables, descriptor),
        lambda: state_only_problems(tables),
    ]
    return [problem for rule in rules for problem in rule()]
