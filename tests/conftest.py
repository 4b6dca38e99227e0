from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
MINI_FIXTURE = Path(__file__).resolve().parent / "fixtures" / "mini"


def make_mini_package(target: Path) -> Path:
    """A small valid package: the real descriptor and boundaries, a few hand-made rows per table."""
    target.mkdir(parents=True, exist_ok=True)
    for csv_file in MINI_FIXTURE.glob("*.csv"):
        shutil.copy(csv_file, target / csv_file.name)
    descriptor = json.loads((DATA_DIR / "datapackage.json").read_text(encoding="utf-8"))
    # The opening's key facts name rows of the real data; the small package's name its own.
    descriptor["x-known"] = {
        "settled": [{"text": "Eighteen security personnel died.", "rows": ["casualty_reports:C02"]}],
        "disputed": [{"text": "The order to shoot without warning.", "rows": ["quotes:Q01"]}],
    }
    (target / "datapackage.json").write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    shutil.copytree(DATA_DIR / "geo", target / "geo")
    return target


def quotes_shown(dataset):
    """The quotes the page shows as rows: every quote but the variants, which travel with their originals."""
    quotes = dataset["quotes"]
    return quotes[quotes["variant_of_quote_id"].isna()]


def group_label(dataset, group_id: str) -> str:
    """An actor group's label, as the page's filter and its links name it."""
    return dataset["actor_groups"].set_index("group_id").loc[group_id, "label"]


def run_validate(package: Path | str) -> subprocess.CompletedProcess:
    """`python -m components.data.dataset validate PACKAGE`, as an operator runs it, from the repository root."""
    return subprocess.run(
        [sys.executable, "-m", "components.data.dataset", "validate", str(package)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture
def mini_package(tmp_path: Path) -> Path:
    return make_mini_package(tmp_path / "package")


@pytest.fixture(scope="session")
def dataset():
    from components.data.dataset import load_dataset

    return load_dataset(DATA_DIR)
