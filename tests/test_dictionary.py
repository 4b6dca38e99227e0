"""The descriptor documents every field, and the generated data dictionary is current."""

from __future__ import annotations

import json

import pytest

from components.data.dictionary import DICTIONARY_NAME, render
from tests.conftest import DATA_DIR

DESCRIPTOR = json.loads((DATA_DIR / "datapackage.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("resource", DESCRIPTOR["resources"], ids=lambda resource: resource["name"])
def test_every_resource_and_field_is_described(resource: dict) -> None:
    assert resource.get("title") and resource.get("description")
    undocumented = [spec["name"] for spec in resource["schema"]["fields"] if not spec.get("description", "").strip()]
    assert undocumented == [], f"{resource['name']}: fields without a description: {undocumented}"


def test_package_metadata() -> None:
    for key in ("name", "title", "description", "version", "created", "licenses"):
        assert DESCRIPTOR.get(key), key
    for layer in DESCRIPTOR["x-boundaries"]:
        assert layer["attribution"] and layer["license"]
        assert (DATA_DIR / layer["path"]).is_file()


def test_every_csv_in_data_is_a_resource() -> None:
    declared = {resource["path"] for resource in DESCRIPTOR["resources"]}
    assert {path.name for path in DATA_DIR.glob("*.csv")} == declared


def test_data_dictionary_is_current() -> None:
    written = (DATA_DIR / DICTIONARY_NAME).read_text(encoding="utf-8")
    assert written == render(DESCRIPTOR), (
        "data/README.md is stale: run `python -m components.data.dataset dictionary data`"
    )


def test_dictionary_lists_every_field() -> None:
    text = render(DESCRIPTOR)
    for resource in DESCRIPTOR["resources"]:
        for spec in resource["schema"]["fields"]:
            assert f"| `{spec['name']}` |" in text


def test_page_dictionary_has_a_row_per_field() -> None:
    from components.data.dictionary import dictionary_rows

    rows = dictionary_rows(DESCRIPTOR)
    assert len(rows) == sum(len(resource["schema"]["fields"]) for resource in DESCRIPTOR["resources"])
    assert all(row["description"] for row in rows)
