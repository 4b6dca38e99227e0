"""Citations name exactly what the reader sees, in three forms that agree, and their link reopens the same view."""

from __future__ import annotations

import json
import re
from datetime import date
from urllib.parse import parse_qs, urlsplit

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from components.data.dataset import Dataset
from components.page import cite, links
from components.page.loader import DATA_DIR_VARIABLE
from tests.conftest import DATA_DIR, ROOT

APP = str(ROOT / "dashboard.py")
FIRST, LAST = date(2022, 1, 1), date(2022, 1, 19)
VIEW = cite.CitedView(
    title="Kazakhstan, January 2022: the unrest and the CSTO deployment",
    view_title="What they said",
    version="0.1.0",
    created=date(2026, 11, 26),
    filters=cite.filters_in_words(["Opposition"], date(2022, 1, 5), date(2022, 1, 9), False, "50% {x} & y_z"),
    url="https://example.org/?actor=Opposition&q=50%25+%7Bx%7D&view=quotes",
    accessed=date(2026, 12, 4),
)


def cff_fields() -> dict[str, str]:
    """The top-level scalar fields of CITATION.cff and its first author's name (the file is flat YAML)."""
    text = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    fields = dict(re.findall(r'^([a-z-]+): "?([^"\n]*)"?$', text, flags=re.MULTILINE))
    fields["author"] = re.search(r'^authors:\n  - name: "([^"]+)"', text, flags=re.MULTILINE).group(1)
    return fields


def test_citation_cff_version_is_the_data_version() -> None:
    descriptor = json.loads((DATA_DIR / "datapackage.json").read_text(encoding="utf-8"))
    fields = cff_fields()
    assert fields["cff-version"] == "1.2.0"
    assert fields["version"] == descriptor["version"]
    assert fields["date-released"] == descriptor["created"][:10], "the day the data version was created"
    assert fields["title"] == descriptor["title"]
    assert fields["author"] == cite.PUBLISHER


def test_plain_text_names_everything_a_reader_needs() -> None:
    text = cite.plain_text(VIEW)
    for part in (
        VIEW.publisher,
        "(2026)",
        "What they said",
        "version 0.1.0",
        "actor groups: Opposition",
        "5–9 January 2022",
        "without later reports",
        "4 December 2026 (UTC)",
        VIEW.url,
    ):
        assert part in text


def test_filters_in_words() -> None:
    assert cite.filters_in_words([], FIRST, LAST, True, "") == (
        "all actor groups; 1–19 January 2022; with what was made public after 19 January"
    )
    assert "5 January 2022;" in cite.filters_in_words(["A", "B"], date(2022, 1, 5), date(2022, 1, 5), True, "")
    assert "quotes matching “terror”" in cite.filters_in_words([], FIRST, LAST, True, "terror")


def test_bibtex_escapes_its_text_and_keeps_the_url() -> None:
    entry = cite.bibtex(VIEW)
    assert entry.startswith("@misc{kazakhstan-january-2022-v0.1.0-20261204,\n")
    assert r"50\% \{x\} \& y\_z" in entry
    assert f"url = {{{VIEW.url}}}" in entry
    assert "urldate = {2026-12-04}" in entry
    assert entry.count("{") == entry.count("}") + entry.count(r"\}") - entry.count(r"\{")


def test_csl_json_is_one_dataset_item() -> None:
    [item] = json.loads(cite.csl_json(VIEW))
    assert item["type"] == "dataset" and item["URL"] == VIEW.url and item["version"] == "0.1.0"
    assert item["accessed"] == {"date-parts": [[2026, 12, 4]]}
    assert item["title"].endswith("— What they said")


def test_iframe_has_a_title_and_escaped_attributes() -> None:
    code = cite.iframe('https://example.org/?q="><script>', 'A "view" <b>')
    assert 'title="A &quot;view&quot; &lt;b&gt;"' in code
    assert "<script>" not in code and 'embed=true"' in code
    assert "?embed=true" in cite.iframe("https://example.org/", "t")
    assert 'height="2360"' in cite.iframe("https://example.org/?view=casualties", "t", "casualties")
    assert f'height="{cite.IFRAME_HEIGHT}"' in cite.iframe("https://example.org/", "t")


def test_source_line_names_the_most_cited_publishers_of_the_text() -> None:
    sources = pd.DataFrame(
        {
            "source_id": ["S1", "S2", "S3", "S4", "S5"],
            "publisher": ["A", "mirror.example", "A", "C", "D"],
            "original_publisher": [None, "B", None, None, None],
            "publisher_type": ["wire", "aggregator", "wire", "state_media", "ngo"],
            "rows_citing": [1, 5, 3, 4, 1],
        }
    )
    line = cite.source_line(sources, sources, "Title", "0.1.0", named=3)
    assert line == "Source: “Title”, data version 0.1.0, from 5 sources; most cited: B, A, C (state media) and 1 more."
    assert cite.source_line(sources.iloc[:0], sources, "Title", "0.1.0") == "Source: “Title”, data version 0.1.0."
    also_direct = pd.concat([sources, sources.iloc[[3]].assign(source_id="S6", publisher="B", rows_citing=0)])
    assert "B (state media)" in cite.source_line(sources, also_direct.assign(publisher_type="state_media"), "T", "1")


# Round trip through the page: a reader's selection → the dialog's citation → its link opened afresh → the same
# filters, the same view and the same citation.


def cited_forms(app: AppTest) -> tuple[str, str, str, str]:
    return tuple(block.value for block in app.code)  # plain text, BibTeX, CSL-JSON, iframe


def link_in(forms: tuple[str, str, str, str]) -> str:
    plain, bibtex, csl, _ = forms
    from_text = plain.rsplit(" from ", 1)[1]
    from_bibtex = re.search(r"^  url = \{(.*)\},?$", bibtex, flags=re.MULTILINE).group(1)
    from_csl = json.loads(csl)[0]["URL"]
    assert from_text == from_bibtex == from_csl, "the three forms cite the same link"
    return from_text


def widget_state(app: AppTest) -> tuple:
    return (
        tuple(app.multiselect(key=links.ACTOR).value),
        tuple(app.slider(key=links.DATES).value),
        app.toggle(key=links.LATER).value,
        app.text_input(key=links.SEARCH).value,
    )


def titles(app: AppTest) -> list[str]:
    return [heading.value for heading in [*app.header, *app.subheader]]


def open_dialog(app: AppTest) -> AppTest:
    return app.button(key="cite-sidebar").click().run()


@pytest.fixture(scope="module")
def labels(dataset: Dataset) -> list[str]:
    return list(dataset["actor_groups"]["label"])


days = st.dates(FIRST, LAST)
selections = st.fixed_dictionaries(
    {
        "actors": st.lists(
            st.sampled_from(sorted(pd.read_csv(DATA_DIR / "actor_groups.csv")["label"])), unique=True, max_size=3
        ),
        "window": st.tuples(days, days).map(sorted).map(tuple),
        "later": st.booleans(),
        "search": st.sampled_from(["", "Tokayev", "terrorists", "peacekeeping", "50% & {x}", "“quoted”"]),
        "view": st.sampled_from([None, *links.VIEWS]),
    }
)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(chosen=selections)
def test_the_citations_link_restores_the_same_view(chosen: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(DATA_DIR_VARIABLE, raising=False)
    reader = AppTest.from_file(APP, default_timeout=60)
    if chosen["view"]:
        reader.query_params[links.VIEW] = chosen["view"]
    reader.run()
    reader.multiselect(key=links.ACTOR).set_value(chosen["actors"])
    reader.slider(key=links.DATES).set_value(chosen["window"])
    reader.toggle(key=links.LATER).set_value(chosen["later"])
    reader.text_input(key=links.SEARCH).input(chosen["search"])
    reader.run()
    assert not reader.exception
    seen = widget_state(reader)
    forms = cited_forms(open_dialog(reader))
    link = link_in(forms)

    params = parse_qs(urlsplit(link).query, keep_blank_values=True)
    assert links.read_view(params.get(links.VIEW, [])) == chosen["view"]
    opened = AppTest.from_file(APP, default_timeout=60)
    for key, values in params.items():
        opened.query_params[key] = values
    opened.run()
    assert not opened.exception and not opened.warning, "the cited link raises no notice"
    assert widget_state(opened) == seen
    assert titles(opened) == titles(reader)
    assert [caption.value for caption in opened.caption if "Showing" in caption.value] == [
        caption.value for caption in reader.caption if "Showing" in caption.value
    ]
    assert cited_forms(open_dialog(opened)) == forms, "the reopened view cites itself the same way"
