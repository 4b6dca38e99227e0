"""The archival edition, built from the real data: small enough, checksummed, every script in the folder once,
nothing fetched from the network, and the whole record in it."""

from __future__ import annotations

import hashlib
import zipfile
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

from components.data.dataset import Dataset
from components.page import archive
from components.page.html_table import html_table
from tests.conftest import ROOT, make_mini_package, quotes_shown

BUILT = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)


class References(HTMLParser):
    """Every URL an HTML page would load by itself (scripts, styles, images, frames) and its tables' rows."""

    def __init__(self, page: str):
        super().__init__()
        self.loaded: list[str] = []
        self.rows: dict[str, int] = {}
        self.table: str | None = None
        self.feed(page)

    def handle_starttag(self, tag, attrs) -> None:
        attributes = dict(attrs)
        if tag in ("script", "img", "iframe", "source", "audio", "video", "embed") and attributes.get("src"):
            self.loaded.append(attributes["src"])
        if tag == "link" and attributes.get("href"):
            self.loaded.append(attributes["href"])
        if tag == "table":
            self.table = attributes.get("aria-label", "")
            self.rows[self.table] = 0
        if tag == "tr" and self.table is not None:
            self.rows[self.table] += 1


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("archive") / "edition"
    archive.build(target, built=BUILT)
    return target


def files(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*") if path.is_file())


def test_the_archive_is_under_its_size_limit(folder: Path) -> None:
    size = sum(path.stat().st_size for path in files(folder))
    assert size < 15 * 1024 * 1024


def test_sha256sums_lists_every_other_file_with_its_digest(folder: Path) -> None:
    listed = {}
    for line in (folder / "SHA256SUMS").read_text(encoding="utf-8").splitlines():
        digest, name = line.split("  ", 1)
        listed[name] = digest
    expected = {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in files(folder)
        if path.name != "SHA256SUMS"
    }
    assert listed == expected


def test_each_bundle_is_in_the_folder_once_with_its_licence(folder: Path) -> None:
    for name, (bundle, licence) in archive.BUNDLES.items():
        head = bundle.read_bytes()[:4096]
        holders = [path.relative_to(folder).as_posix() for path in files(folder) if head in path.read_bytes()]
        assert holders == [f"assets/{name}"], f"{name} is in the folder once, in its own file"
        assert (folder / "assets" / licence.name).read_bytes() == licence.read_bytes()


def test_nothing_is_loaded_from_outside_the_folder(folder: Path) -> None:
    for page in folder.rglob("*.html"):
        loaded = References(page.read_text(encoding="utf-8")).loaded
        assert loaded, "the page loads its scripts"
        for url in loaded:
            assert ":" not in url and not url.startswith("//"), f"{url} is not a file in the folder"
            assert (page.parent / url).is_file()
    for script in (folder / "assets").glob("archive.*"):
        assert "http" not in script.read_text(encoding="utf-8")


def test_the_page_holds_the_whole_record(folder: Path, dataset: Dataset) -> None:
    page = (folder / "index.html").read_text(encoding="utf-8")
    rows = References(page).rows
    quotes = len(quotes_shown(dataset))
    assert rows[f"Table of {quotes} quotes with date, speaker, quote, actor group, role and source."] == quotes + 1
    corrections = next(label for label in rows if label.startswith("Corrections"))
    assert rows[corrections] == len(dataset["corrections"]) + 1
    descriptor = dataset.descriptor
    assert f"data version {descriptor['version']} ({descriptor['created'][:10]}), built 2026-12-04 12:00 UTC" in page
    for text in (
        "Where it happened",
        "How the toll was counted",
        "How many troops the CSTO sent",
        "What they said",
        "Licences and credits",
        'id="map-kazakhstan"',
        'id="map-almaty"',
        'id="chart-casualties"',
        'id="chart-forces"',
        "border-radius:50%",
    ):
        assert text in page
    with zipfile.ZipFile(folder / archive.PACKAGE_ZIP) as package:
        for table in ["datapackage.json", *(resource["path"] for resource in descriptor["resources"])]:
            assert package.read(f"kazakhstan-january-2022/{table}") == (ROOT / "data" / table).read_bytes()


def test_data_in_the_page_cannot_break_out_of_its_script() -> None:
    text = archive.script_json({"tooltip": "</script><script>alert(1)</script> & <!--"})
    assert "<" not in text and ">" not in text and "&" not in text


def test_a_folder_with_files_in_it_is_refused(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(FileExistsError):
        archive.build(tmp_path)
    assert archive.main([str(tmp_path)]) == 1
    assert [path.name for path in tmp_path.iterdir()] == ["keep.txt"]


def test_a_broken_package_is_refused_with_its_report(tmp_path: Path) -> None:
    package = make_mini_package(tmp_path / "package")
    events = package / "events.csv"
    events.write_text(events.read_text(encoding="utf-8").replace(",", ";", 1), encoding="utf-8")
    with pytest.raises(ValueError, match="failed validation"):
        archive.build(tmp_path / "edition", str(package))
    assert not (tmp_path / "edition").exists()


def test_a_link_column_links_web_addresses_only() -> None:
    frame = pd.DataFrame(
        {
            "Source": ["<b>A</b>", "B", "C"],
            "Link": ["https://example.org/a?b=1&c=2", "javascript:alert(1)", 'https://x.example/"><script>'],
        }
    )
    table = html_table(frame, "t", link_column="Link")
    assert '<a href="https://example.org/a?b=1&amp;c=2" rel="noreferrer">open ↗</a>' in table
    assert "javascript:alert(1)</td>" in table and "<script>" not in table and "&lt;b&gt;A&lt;/b&gt;" in table
    assert table.count("<a ") == 1
    assert "<a " not in html_table(frame, "t"), "without a link column every cell is text"
