"""The repository deploys to Streamlit Community Cloud unchanged: main file dashboard.py at the root, uv.lock as
the one dependency file (Community Cloud reads uv.lock before any other), everything the page imports installed
from it without the dev group, no secrets, and nothing written to the repository while the page runs."""

from __future__ import annotations

import ast
import re
import shutil
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from components.page.loader import DATA_DIR_VARIABLE
from components.views import plotly_view
from tests.conftest import ROOT

# Community Cloud's dependency files, in the order it looks for them in the main file's folder, then the root.
DEPENDENCY_FILES = ["uv.lock", "Pipfile", "environment.yml", "requirements.txt", "pyproject.toml"]
# What the tests, tools and other processes may write while this test runs; none of it is the app's doing.
NOT_THE_APP = {".git", ".venv", "__pycache__", ".pytest_cache", ".ruff_cache", "test-results", "results"}


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def runtime_closure(lock: dict) -> set[str]:
    """Every package uv installs for the project without its dev group (extras only where one is asked for)."""
    packages = {normalise(package["name"]): package for package in lock["package"]}
    root = next(package for package in lock["package"] if package.get("source", {}).get("virtual") == ".")
    wanted = list(root.get("dependencies", []))
    closure: set[str] = set()
    seen: set[tuple[str, str]] = set()
    while wanted:
        dependency = wanted.pop()
        name = normalise(dependency["name"])
        package = packages[name]
        if name not in closure:
            closure.add(name)
            wanted += package.get("dependencies", [])
        for extra in dependency.get("extra", []):
            if (name, extra) not in seen:
                seen.add((name, extra))
                wanted += package.get("optional-dependencies", {}).get(extra, [])
    return closure


def imported_top_level_modules(paths: list[Path]) -> set[str]:
    modules = set()
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules.add(node.module.split(".")[0])
    return modules


def test_uv_lock_is_the_one_dependency_file_beside_the_main_file() -> None:
    assert (ROOT / "dashboard.py").is_file(), "Community Cloud's main file path is dashboard.py"
    present = [name for name in DEPENDENCY_FILES if (ROOT / name).exists()]
    # pyproject.toml only counts for Poetry projects, and Community Cloud stops at the first file it finds.
    assert present[0] == "uv.lock", present
    assert not {"Pipfile", "environment.yml", "requirements.txt"} & set(present), (
        "a second dependency file is ignored by Community Cloud and drifts from uv.lock"
    )
    assert "poetry" not in tomllib.loads((ROOT / "pyproject.toml").read_text()).get("tool", {})


def test_every_third_party_module_the_page_imports_is_installed_without_the_dev_group() -> None:
    lock = tomllib.loads((ROOT / "uv.lock").read_text())
    closure = runtime_closure(lock)
    sources = [ROOT / "dashboard.py", *sorted((ROOT / "components").rglob("*.py"))]
    local = {"components"}
    third_party = imported_top_level_modules(sources) - set(sys.stdlib_module_names) - local - {"__future__"}
    providers = packages_distributions()
    missing = {
        module: providers.get(module)
        for module in third_party
        if not any(normalise(distribution) in closure for distribution in providers.get(module, []))
    }
    # The charts are plain Plotly specs: the page imports no plotly module (st.plotly_chart, their fallback, does).
    assert third_party >= {"streamlit", "pandas", "pydeck"}
    assert not missing, f"imported by the page but not a runtime dependency in uv.lock: {missing}"


def test_the_lock_admits_the_python_the_readme_says_to_choose() -> None:
    lock = tomllib.loads((ROOT / "uv.lock").read_text())
    floor = re.fullmatch(r">=\s*3\.(\d+)", lock["requires-python"])
    assert floor and int(floor.group(1)) <= 11, lock["requires-python"]


def snapshot(root: Path) -> dict[str, tuple[int, int]]:
    files = {}
    for path in root.rglob("*"):
        parts = set(path.relative_to(root).parts)
        if path.is_file() and not parts & NOT_THE_APP:
            stat = path.stat()
            files[str(path.relative_to(root))] = (stat.st_mtime_ns, stat.st_size)
    return files


def test_the_page_runs_without_secrets_and_writes_only_its_static_files(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(DATA_DIR_VARIABLE, raising=False)
    assert not (ROOT / ".streamlit" / "secrets.toml").exists()
    shutil.rmtree(ROOT / "static", ignore_errors=True)  # as on a fresh clone
    plotly_view.published_bundle.cache_clear()
    before = snapshot(ROOT)
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60).run()
    assert not app.exception, [element.message for element in app.exception]
    app.multiselect[0].select(app.multiselect[0].options[0]).run()
    assert not app.exception, [element.message for element in app.exception]
    assert app.get("download_button"), "the downloads are built in memory on every run"
    after = snapshot(ROOT)
    changed = sorted(name for name in before.keys() | after.keys() if before.get(name) != after.get(name))
    assert changed and all(name.startswith("static/") for name in changed), (
        f"the page wrote to the repository: {changed}"
    )
    assert f"static/{plotly_view.bundle_name()}" in changed, "Plotly's bundle"
    assert any(name.startswith("static/kazakhstan-outline-") for name in changed), "the maps' boundaries"
    assert "static/" in (ROOT / ".gitignore").read_text().splitlines(), "the bundle is written, never committed"


def test_the_readme_deploy_section_is_enough_to_deploy() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = re.search(r"^## Deploy\n(.*?)(?=^## )", readme, flags=re.S | re.M)
    assert section, "README.md has a '## Deploy' section"
    text = section.group(1)
    for needed in ("share.streamlit.io", "dashboard.py", "uv.lock", "3.11", ".streamlit.app", "?embed=true", "<iframe"):
        assert needed in text, f"the Deploy section names {needed}"
    assert "deploy/README.md" in text, "it points to the self-hosting guide"
