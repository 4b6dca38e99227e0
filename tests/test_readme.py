"""The README's two commands are the ones CI runs and the ones that start the app."""

from __future__ import annotations

import re

from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def shell_blocks(text: str) -> list[str]:
    return [block.strip() for block in re.findall(r"```sh\n(.*?)```", text, flags=re.S)]


def test_readme_opens_with_the_run_and_test_commands() -> None:
    run, test = shell_blocks(README)[:2]
    assert run.endswith("streamlit run dashboard.py")
    assert test.endswith("python -m pytest")
    setup = run.removesuffix(".venv/bin/streamlit run dashboard.py")
    assert test.startswith(setup), "both commands set up the same environment"


def test_ci_runs_the_readme_test_command() -> None:
    ci_script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    test_command = shell_blocks(README)[1]
    assert test_command in ci_script.splitlines()
