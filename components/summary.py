"""What the data package holds, table by table."""

from __future__ import annotations

import pandas as pd

from components.dataset import Dataset


def table_summary(dataset: Dataset) -> pd.DataFrame:
    """One row per table: its title, file, number of rows and description, in descriptor order."""
    rows = [
        {
            "Table": resource["title"],
            "File": f"data/{resource['path']}",
            "Rows": len(dataset[resource["name"]]),
            "What it holds": resource["description"],
        }
        for resource in dataset.descriptor["resources"]
    ]
    return pd.DataFrame(rows)


def headline(dataset: Dataset) -> str:
    """One line on the package: version, date and size."""
    descriptor = dataset.descriptor
    total = sum(len(frame) for frame in dataset.tables.values())
    return (
        f"Data version {descriptor['version']} of {descriptor['created']}: "
        f"{total:,} rows in {len(dataset.tables)} tables, all validated against `datapackage.json`."
    )
