"""Load the curated data package, validate all of it, and hand out typed DataFrames.

Command line, for data editors:

    python -m components.data.dataset validate [DATA_DIR]    # exit 1 and a report when anything is wrong
    python -m components.data.dataset dictionary [DATA_DIR]  # rewrite DATA_DIR/README.md from the descriptor
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from components.data import dictionary
from components.data.geo import read_geojson
from components.data.package import (
    DescriptorError,
    Problem,
    RawTable,
    foreign_key_problems,
    list_items,
    read_descriptor,
    read_table,
    table_problems,
)
from components.data.rules import all_rule_problems

if TYPE_CHECKING:
    import pandas as pd

DATA_DIR = Path(__file__).resolve().parents[2] / "data"

PANDAS_TYPES = {"string": "string", "integer": "Int64", "number": "Float64", "boolean": "boolean"}


@dataclass(frozen=True)
class Dataset:
    """The validated package: its descriptor, one typed DataFrame per resource, the boundary layers."""

    descriptor: dict
    tables: dict[str, pd.DataFrame]
    boundaries: dict[str, dict]

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.tables[name]


class DatasetError(Exception):
    """The package failed validation; `problems` lists every fault found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(report(problems))


def report(problems: list[Problem]) -> str:
    count = f"{len(problems)} problem" + ("" if len(problems) == 1 else "s")
    return "\n".join([f"The data package has {count}:", *(str(problem) for problem in problems)])


def _read_boundaries(data_dir: Path, descriptor: dict) -> tuple[dict[str, dict], list[Problem]]:
    layers, problems = {}, []
    for layer in descriptor.get("x-boundaries", []):
        path = data_dir / layer["path"]
        try:
            layers[layer["name"]] = read_geojson(path)
        except FileNotFoundError:
            problems.append(Problem(layer["path"], message="boundary file not found"))
        except ValueError as error:  # JSONDecodeError and UnicodeDecodeError are both ValueErrors
            problems.append(Problem(layer["path"], message=f"not a readable GeoJSON file ({error})"))
    return layers, problems


def check(data_dir: Path = DATA_DIR) -> tuple[dict | None, dict[str, RawTable], dict[str, dict], list[Problem]]:
    """Run every check; return what could be read and every problem found."""
    try:
        descriptor = read_descriptor(data_dir)
    except DescriptorError as error:
        return None, {}, {}, [error.problem]

    tables: dict[str, RawTable] = {}
    problems: list[Problem] = []
    for resource in descriptor["resources"]:
        table, read_faults = read_table(data_dir, resource)
        problems += read_faults
        if table is not None:
            tables[resource["name"]] = table
    boundaries, boundary_faults = _read_boundaries(data_dir, descriptor)
    problems += boundary_faults

    for table in tables.values():
        problems += table_problems(table)
    problems += foreign_key_problems(tables)
    # Domain rules read typed, joined values, so they only run on tables that passed the schema.
    if not problems:
        problems += all_rule_problems(tables, descriptor, boundaries)
    return descriptor, tables, boundaries, sorted(set(problems))


def typed_frame(table: RawTable) -> pd.DataFrame:
    """A DataFrame with one dtype per schema type; list fields become tuples, dates Timestamps."""
    import pandas as pd  # imported here so `validate` runs with the standard library alone

    # Every string column derived from these tables, in this process, is held as Python strings rather than
    # pyarrow's. The tables are small: each pyarrow call costs more than its work, and releases and retakes the
    # interpreter lock, so with many readers' script runs in flight every call queued behind all the others.
    pd.set_option("mode.string_storage", "python")
    columns = {}
    for spec in table.fields():
        raw = [cells[spec["name"]] for _, cells in table.rows]
        kind = spec.get("type", "string")
        if kind == "list":
            columns[spec["name"]] = pd.Series([tuple(list_items(value, spec)) for value in raw], dtype=object)
        elif kind == "date":
            columns[spec["name"]] = pd.to_datetime(pd.Series(raw, dtype="string").replace("", None), format="%Y-%m-%d")
        elif kind == "boolean":
            columns[spec["name"]] = pd.Series([None if v == "" else v == "true" for v in raw], dtype="boolean")
        else:
            series = pd.Series(raw, dtype="string").replace("", pd.NA)
            columns[spec["name"]] = series.astype(PANDAS_TYPES[kind]) if kind != "string" else series
    return pd.DataFrame(columns)


def load_dataset(data_dir: Path = DATA_DIR) -> Dataset:
    """The validated dataset; raises DatasetError listing every problem when anything is wrong."""
    descriptor, tables, boundaries, problems = check(data_dir)
    if problems:
        raise DatasetError(problems)
    assert descriptor is not None
    frames = {name: typed_frame(table) for name, table in tables.items()}
    return Dataset(descriptor, frames, boundaries)


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    usage = "usage: python -m components.data.dataset {validate|dictionary} [DATA_DIR]"
    if not args or args[0] not in ("validate", "dictionary"):
        print(usage, file=sys.stderr)
        return 2
    command, data_dir = args[0], Path(args[1]) if len(args) > 1 else DATA_DIR

    descriptor, tables, _, problems = check(data_dir)
    if command == "dictionary":
        if descriptor is None:
            print(report(problems), file=sys.stderr)
            return 1
        target = data_dir / dictionary.DICTIONARY_NAME
        target.write_text(dictionary.render(descriptor), encoding="utf-8")
        print(f"wrote {target}")
        return 0
    if problems:
        print(report(problems), file=sys.stderr)
        return 1
    counts = ", ".join(f"{name} {len(table.rows)}" for name, table in tables.items())
    print(f"{data_dir}: valid ({counts} rows)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
