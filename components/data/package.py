"""The data package descriptor (`data/datapackage.json`) and the checks it defines.

The descriptor is the only schema in the project: the reader, the validator, the data dictionary
and the dashboard's "Sources & method" section all read it. This module implements the subset
of Frictionless Table Schema v2 the package uses: field types string, integer, number, date,
boolean and list; constraints required, unique, enum, pattern, minimum, maximum, minLength;
`primaryKey`; `foreignKeys`, including from list fields (each item must resolve).
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

DESCRIPTOR_NAME = "datapackage.json"
DATE_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$")
INTEGER_PATTERN = re.compile(r"^-?\d+$")
SUPPORTED_TYPES = {"string", "integer", "number", "date", "boolean", "list"}


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the data, located as precisely as the fault allows."""

    file: str
    row: int | None = None  # line number in the file, the header being line 1
    column: str | None = None
    message: str = field(default="", compare=False)

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f":{self.row}"
        if self.column:
            where += f":{self.column}"
        return f"{where}: {self.message}"


@dataclass
class RawTable:
    """A CSV file as text cells, each row keeping the line number it starts on."""

    resource: dict
    header: list[str]
    rows: list[tuple[int, dict[str, str]]]

    @property
    def file(self) -> str:
        return self.resource["path"]

    def fields(self) -> list[dict]:
        return self.resource["schema"]["fields"]

    def values(self, column: str) -> list[tuple[int, str]]:
        return [(line, cells.get(column, "")) for line, cells in self.rows]


class DescriptorError(Exception):
    """The descriptor itself cannot be used; carries the problem that says why."""

    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem


def read_descriptor(data_dir: Path) -> dict:
    path = data_dir / DESCRIPTOR_NAME
    if not path.is_file():
        raise DescriptorError(Problem(DESCRIPTOR_NAME, message=f"file not found in {data_dir}"))
    try:
        descriptor = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as error:
        raise DescriptorError(Problem(DESCRIPTOR_NAME, message=f"not valid UTF-8 ({error.reason})")) from None
    except json.JSONDecodeError as error:
        raise DescriptorError(
            Problem(DESCRIPTOR_NAME, error.lineno, message=f"not valid JSON: {error.msg} (column {error.colno})")
        ) from None
    problems = descriptor_problems(descriptor)
    if problems:
        raise DescriptorError(problems[0])
    return descriptor


def descriptor_problems(descriptor: object) -> list[Problem]:
    """Structural faults that would stop every other check from running."""
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list):
        return [Problem(DESCRIPTOR_NAME, message="expected an object with a `resources` list")]
    problems = []
    for index, resource in enumerate(descriptor["resources"]):
        label = f"resources[{index}]"
        if not isinstance(resource, dict) or not {"name", "path", "schema"} <= resource.keys():
            problems.append(Problem(DESCRIPTOR_NAME, message=f"{label} needs `name`, `path` and `schema`"))
            continue
        fields = resource["schema"].get("fields") if isinstance(resource["schema"], dict) else None
        if not isinstance(fields, list) or not fields:
            problems.append(Problem(DESCRIPTOR_NAME, message=f"resource `{resource['name']}` has no fields"))
            continue
        for spec in fields:
            if not isinstance(spec, dict) or "name" not in spec:
                message = f"resource `{resource['name']}` has a field without a name"
                problems.append(Problem(DESCRIPTOR_NAME, message=message))
            elif spec.get("type", "string") not in SUPPORTED_TYPES:
                problems.append(
                    Problem(
                        DESCRIPTOR_NAME,
                        message=f"field `{resource['name']}.{spec['name']}` has unsupported type `{spec.get('type')}`",
                    )
                )
    return problems


def resource_by_name(descriptor: dict, name: str) -> dict:
    for resource in descriptor["resources"]:
        if resource["name"] == name:
            return resource
    raise KeyError(name)


# --- reading -------------------------------------------------------------------------------------


def read_table(data_dir: Path, resource: dict) -> tuple[RawTable | None, list[Problem]]:
    """Read one CSV as text, reporting encoding, quoting and shape faults with their line numbers."""
    name = resource["path"]
    path = data_dir / name
    if not path.is_file():
        return None, [Problem(name, message="file not found")]
    payload = path.read_bytes()
    if not payload.strip():
        return None, [Problem(name, message="file is empty; expected a header row and data rows")]
    try:
        text = payload.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = payload[: error.start].count(b"\n") + 1
        byte = payload[error.start : error.start + 1].hex()
        return None, [Problem(name, line, message=f"not valid UTF-8 (byte 0x{byte}); save the file as UTF-8")]

    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    problems: list[Problem] = []
    records: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for cells in reader:
            records.append((start, cells))
            start = reader.line_num + 1
    except csv.Error as error:
        return None, [Problem(name, start, message=f"malformed CSV ({error}); check for an unclosed quote")]

    (_, header), body = records[0], records[1:]
    expected = [spec["name"] for spec in resource["schema"]["fields"]]
    for column in expected:
        if column not in header:
            problems.append(Problem(name, 1, column, "column missing from the header"))
    for column in header:
        if column not in expected:
            problems.append(Problem(name, 1, column or "(blank)", "column not defined in datapackage.json"))
    if len(set(header)) != len(header):
        problems.append(Problem(name, 1, message="header repeats a column name"))
    if problems:
        return None, problems

    rows = []
    for line, cells in body:
        if not any(cell.strip() for cell in cells):
            continue  # a blank line is not a record
        if len(cells) != len(header):
            problems.append(Problem(name, line, message=f"has {len(cells)} cells; the header has {len(header)}"))
            continue
        rows.append((line, dict(zip(header, cells, strict=True))))
    return RawTable(resource, header, rows), problems


# --- field and table checks ----------------------------------------------------------------------


def list_items(value: str, spec: dict) -> list[str]:
    return [item.strip() for item in value.split(spec.get("delimiter", ","))] if value else []


def cell_problems(value: str, spec: dict) -> list[str]:
    """Messages for one cell against its field's type and constraints (empty = missing)."""
    constraints = spec.get("constraints", {})
    if value == "":
        return ["required value is empty"] if constraints.get("required") else []
    if value != value.strip():
        return ["has leading or trailing spaces"]

    kind = spec.get("type", "string")
    number: float | None = None
    if kind == "integer":
        if not INTEGER_PATTERN.match(value):
            return [f"`{value}` is not a whole number"]
        number = int(value)
    elif kind == "number":
        try:
            number = float(value)
        except ValueError:
            return [f"`{value}` is not a number"]
        if not math.isfinite(number):
            return [f"`{value}` is not a finite number"]
    elif kind == "date":
        if not DATE_PATTERN.match(value):
            return [f"`{value}` is not a date in YYYY-MM-DD form"]
        try:
            date.fromisoformat(value)
        except ValueError:
            return [f"`{value}` is not a real calendar date"]
    elif kind == "boolean" and value not in ("true", "false"):
        return [f"`{value}` is not `true` or `false`"]
    elif kind == "list":
        items = list_items(value, spec)
        if any(item == "" for item in items):
            return [f"`{value}` has an empty item (check the `{spec.get('delimiter', ',')}` separators)"]
        if len(items) < constraints.get("minLength", 0):
            return [f"needs at least {constraints['minLength']} item(s)"]
        if len(set(items)) != len(items):
            return [f"`{value}` repeats an item"]
        return []

    messages = []
    if "enum" in constraints and value not in constraints["enum"]:
        allowed = ", ".join(str(option) for option in constraints["enum"])
        messages.append(f"`{value}` is not one of: {allowed}")
    if "pattern" in constraints and not re.fullmatch(constraints["pattern"], value):
        messages.append(f"`{value}` does not match the pattern {constraints['pattern']}")
    if kind == "string" and "maxLength" in constraints and len(value) > constraints["maxLength"]:
        messages.append(f"is {len(value)} characters long; the most allowed is {constraints['maxLength']}")
    if kind == "string" and "minLength" in constraints and len(value) < constraints["minLength"]:
        messages.append(f"is {len(value)} characters long; the least allowed is {constraints['minLength']}")
    if number is not None:
        if "minimum" in constraints and number < constraints["minimum"]:
            messages.append(f"{value} is below the minimum {constraints['minimum']}")
        if "maximum" in constraints and number > constraints["maximum"]:
            messages.append(f"{value} is above the maximum {constraints['maximum']}")
    return messages


def table_problems(table: RawTable) -> list[Problem]:
    """Cell constraints, `unique` and the primary key of one table."""
    problems = []
    for spec in table.fields():
        column = spec["name"]
        for line, value in table.values(column):
            problems += [Problem(table.file, line, column, message) for message in cell_problems(value, spec)]
        if spec.get("constraints", {}).get("unique"):
            problems += duplicate_problems(table, [column])
    primary_key = table.resource.get("primaryKey", [])
    already_unique = len(primary_key) == 1 and any(
        spec["name"] == primary_key[0] and spec.get("constraints", {}).get("unique") for spec in table.fields()
    )
    if primary_key and not already_unique:
        problems += duplicate_problems(table, primary_key)
    return problems


def duplicate_problems(table: RawTable, columns: list[str]) -> list[Problem]:
    first_seen: dict[tuple[str, ...], int] = {}
    problems = []
    for line, cells in table.rows:
        key = tuple(cells[column] for column in columns)
        if all(part == "" for part in key):
            continue
        if key in first_seen:
            shown = ", ".join(key)
            problems.append(
                Problem(table.file, line, ",".join(columns), f"`{shown}` duplicates line {first_seen[key]}")
            )
        else:
            first_seen[key] = line
    return problems


def foreign_key_problems(tables: dict[str, RawTable]) -> list[Problem]:
    """Every foreign-key value (every item, for list fields) must exist in the referenced table."""
    problems = []
    for table in tables.values():
        specs = {spec["name"]: spec for spec in table.fields()}
        for foreign_key in table.resource.get("foreignKeys", []):
            (column,), reference = foreign_key["fields"], foreign_key["reference"]
            target = tables.get(reference["resource"])
            if target is None:
                continue  # the missing table is already reported
            (target_column,) = reference["fields"]
            known = {value for _, value in target.values(target_column)}
            for line, value in table.values(column):
                for item in list_items(value, specs[column]) if specs[column].get("type") == "list" else [value]:
                    if item and item not in known:
                        problems.append(
                            Problem(
                                table.file,
                                line,
                                column,
                                f"`{item}` matches no {target_column} in {target.file}",
                            )
                        )
    return problems
