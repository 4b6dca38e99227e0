"""The dashboard's one cached entry point to the data: loaded and validated once per process."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from components.dataset import DATA_DIR, Dataset, DatasetError, load_dataset, report

DATA_DIR_VARIABLE = "DASHBOARD_DATA_DIR"


@dataclass(frozen=True)
class LoadResult:
    dataset: Dataset | None
    problem_report: str | None


def data_dir() -> Path:
    """The package to serve: `data/` unless an operator points DASHBOARD_DATA_DIR elsewhere."""
    return Path(os.environ.get(DATA_DIR_VARIABLE) or DATA_DIR)


@st.cache_resource(show_spinner=False)
def load(path: str) -> LoadResult:
    try:
        return LoadResult(load_dataset(Path(path)), None)
    except DatasetError as error:
        return LoadResult(None, report(error.problems))
