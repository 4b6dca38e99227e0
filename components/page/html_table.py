"""A static table as escaped HTML: one element, where st.table renders every cell as Markdown of its own.

The corrections table has some forty cells; as Markdown elements they were the largest part of the page's Markdown
rendering on load (bench/README.md). On a phone each row is shown as a block of "column: value" lines; the table reads
its colours from the text around it, so both themes work.
"""

from __future__ import annotations

import re
from html import escape

import pandas as pd

CLASS = "static-table"
LINK_TEXT = "open ↗"
STYLE = f"""<style>
.{CLASS} {{ overflow-x: auto; margin-bottom: 1rem; }}
.{CLASS}:focus-visible {{ outline: 2px solid currentColor; outline-offset: 2px; }}
.{CLASS} table {{ border-collapse: collapse; font-size: 0.875rem; line-height: 1.5; min-width: 40rem; }}
.{CLASS} th, .{CLASS} td {{
  border: 1px solid color-mix(in srgb, currentColor 15%, transparent);
  padding: 0.5rem 0.75rem; text-align: left; vertical-align: top;
}}
.{CLASS} th {{ font-weight: 600; }}
/* A phone: each row becomes a block of "column: value" lines, read top to bottom, not a table to pan across. */
@media (max-width: 640px) {{
  .{CLASS} table {{ min-width: 0; width: 100%; }}
  .{CLASS} thead {{ position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); }}
  .{CLASS} tr, .{CLASS} td {{ display: block; }}
  .{CLASS} tr {{ border: 1px solid color-mix(in srgb, currentColor 15%, transparent); margin-bottom: 0.75rem; }}
  .{CLASS} td {{ border: none; padding: 0.25rem 0.75rem; }}
  .{CLASS} td::before {{ content: attr(data-column) ": "; font-weight: 600; }}
}}
</style>"""


WEB_ADDRESS = re.compile(r"https?://[^\s\"'<>]+")


def cell_html(text: str, linked: bool) -> str:
    """A cell's text, escaped; in a link column a web address becomes a short link (anything else stays text)."""
    if linked and WEB_ADDRESS.fullmatch(text):
        return f'<a href="{escape(text)}" rel="noreferrer">{LINK_TEXT}</a>'
    return escape(text)


def html_table(frame: pd.DataFrame, label: str, link_column: str | None = None) -> str:
    """`frame` as an HTML table named `label` for screen readers; every header and cell is escaped, so data shows
    exactly as written. The web addresses in `link_column`, if given, are links reading "open ↗". The box it scrolls
    in (sideways, where the table is wider than the column) takes the keyboard's focus, so it scrolls with the arrow
    keys too."""
    columns = [escape(str(name)) for name in frame.columns]
    linked = [name == link_column for name in frame.columns]
    head = "".join(f'<th scope="col">{column}</th>' for column in columns)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td data-column="{column}">{cell_html(str(cell), link)}</td>'
            for column, link, cell in zip(columns, linked, row, strict=True)
        )
        + "</tr>"
        for row in frame.itertuples(index=False)
    )
    return (
        f'{STYLE}<div class="{CLASS}" role="region" aria-label="{escape(label)}" tabindex="0">'
        f'<table aria-label="{escape(label)}">'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"
    )
