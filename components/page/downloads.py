"""Downloads: the rows a reader is looking at, as CSV in the package's own format, and the whole package."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pandas as pd

from components.data.dataset import Dataset
from components.data.package import resource_by_name
from components.views.summaries import plural


def to_package_csv(frame: pd.DataFrame, descriptor: dict, resource_name: str) -> bytes:
    """Rows of one table written exactly as the package stores them: its columns, `;`-joined lists, ISO dates."""
    resource = resource_by_name(descriptor, resource_name)
    columns = {}
    for spec in resource["schema"]["fields"]:
        values = frame[spec["name"]]
        kind = spec.get("type", "string")
        if kind == "list":
            values = values.map(spec.get("delimiter", ",").join)
        elif kind == "date":
            values = values.dt.strftime("%Y-%m-%d")
        elif kind == "boolean":
            values = values.map({True: "true", False: "false"})
        columns[spec["name"]] = values
    return pd.DataFrame(columns).to_csv(index=False, na_rep="").encode("utf-8")


def package_zip(data_dir: Path) -> bytes:
    """The descriptor, every table, the data dictionary and the boundary layers, as one zip."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(data_dir.rglob("*")):
            if path.is_file() and path.suffix in {".csv", ".json", ".md", ".geojson"}:
                archive.write(path, Path("kazakhstan-january-2022") / path.relative_to(data_dir))
    return buffer.getvalue()


def selection_tables(
    dataset: Dataset,
    quotes: pd.DataFrame,
    events: pd.DataFrame,
    casualty_claims: pd.DataFrame,
    force_claims: pd.DataFrame,
) -> list[tuple[str, str, pd.DataFrame]]:
    """(button label, table name, rows) for each table the reader has filtered; claims that are only dimmed
    on the charts are not part of the selection."""

    def rows(name: str, key: str, kept: pd.Series) -> pd.DataFrame:
        table = dataset[name]
        return table[table[key].isin(kept)]

    chosen = [
        ("quote", "quotes", rows("quotes", "quote_id", quotes["quote_id"])),
        ("event", "events", rows("events", "event_id", events["event_id"])),
        (
            "casualty claim",
            "casualty_reports",
            rows("casualty_reports", "report_id", casualty_claims.loc[casualty_claims["selected"], "report_id"]),
        ),
        (
            "force claim",
            "force_deployments",
            rows("force_deployments", "claim_id", force_claims.loc[force_claims["selected"], "claim_id"]),
        ),
    ]
    return [(f"{plural(len(frame), label)} (CSV)", name, frame) for label, name, frame in chosen]
