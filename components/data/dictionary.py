"""The data dictionary, written from the descriptor so it cannot drift from the schema."""

from __future__ import annotations

DICTIONARY_NAME = "README.md"


def _escape(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def constraint_text(spec: dict) -> str:
    """The field's rules in words, e.g. "required, unique, one of: a, b"."""
    constraints = spec.get("constraints", {})
    parts = []
    if constraints.get("required"):
        parts.append("required")
    if constraints.get("unique"):
        parts.append("unique")
    if "enum" in constraints:
        parts.append("one of: " + ", ".join(f"`{option}`" for option in constraints["enum"]))
    if "pattern" in constraints:
        parts.append(f"pattern `{constraints['pattern']}`")
    if "minimum" in constraints:
        parts.append(f"≥ {constraints['minimum']}")
    if "maximum" in constraints:
        parts.append(f"≤ {constraints['maximum']}")
    if "minLength" in constraints and spec.get("type") == "list":
        parts.append(f"at least {constraints['minLength']} item(s)")
    if "maxLength" in constraints:
        parts.append(f"at most {constraints['maxLength']} characters")
    if spec.get("type") == "list":
        parts.append(f"items separated by `{spec.get('delimiter', ',')}`")
    if spec.get("x-in-study-window"):
        parts.append("inside the study window")
    return "; ".join(parts)


def field_rows(resource: dict) -> list[dict[str, str]]:
    """One dict per field: name, type, rules, description (also used by the dashboard)."""
    references = {foreign_key["fields"][0]: foreign_key["reference"] for foreign_key in resource.get("foreignKeys", [])}
    rows = []
    for spec in resource["schema"]["fields"]:
        rules = constraint_text(spec)
        if spec["name"] in references:
            target = references[spec["name"]]
            link = f"refers to `{target['resource']}.{target['fields'][0]}`"
            rules = f"{rules}; {link}" if rules else link
        rows.append(
            {
                "field": spec["name"],
                "type": spec.get("type", "string"),
                "rules": rules,
                "description": spec.get("description", ""),
            }
        )
    return rows


def dictionary_rows(descriptor: dict) -> list[dict[str, str]]:
    """Every field of every table as one list (table, field, type, rules, description), for the page."""
    return [{"table": resource["path"], **row} for resource in descriptor["resources"] for row in field_rows(resource)]


def render(descriptor: dict) -> str:
    lines = [
        f"# {descriptor['title']}",
        "",
        "This file is generated from `datapackage.json` by `python -m components.data.dataset dictionary`;",
        "edit the descriptor, not this file.",
        "",
        descriptor["description"],
        "",
        f"Version {descriptor['version']}, created {descriptor['created']}.",
        "",
        "## Licences",
        "",
    ]
    for licence in descriptor.get("licenses", []):
        lines.append(f"- {licence['title']}: [{licence['name']}]({licence['path']})")
    lines += [f"- {note}" for note in descriptor.get("x-rights-notes", [])]
    window = descriptor["x-study-window"]
    lines += [
        "",
        "## Dates and times",
        "",
        f"The study window runs from {window['start']} to {window['end']}; figures and reports made public later are "
        f"kept up to {window['later_reports_until']}. {window['timezone']}",
        *(["", window["day_view"]] if "day_view" in window else []),
        "",
        "## Boundary layers",
        "",
        "| file | what | source | licence | credit |",
        "|---|---|---|---|---|",
    ]
    for layer in descriptor.get("x-boundaries", []):
        lines.append(
            f"| `{layer['path']}` | {_escape(layer['title'])} | {_escape(layer['source'])} | "
            f"{_escape(layer['license'])} | {_escape(layer['attribution'])} |"
        )
    lines += ["", "Processing and checksums: `geo/SOURCES.md`.", "", "## Tables", ""]
    for resource in descriptor["resources"]:
        lines += [
            f"### {resource['title']} (`{resource['path']}`)",
            "",
            resource["description"],
            "",
            f"Primary key: `{', '.join(resource.get('primaryKey', []))}`.",
            "",
            "| field | type | rules | description |",
            "|---|---|---|---|",
        ]
        for row in field_rows(resource):
            lines.append(
                f"| `{row['field']}` | {row['type']} | {_escape(row['rules'])} | {_escape(row['description'])} |"
            )
        lines.append("")
    return "\n".join(lines)
