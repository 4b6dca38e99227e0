"""The latest figures as Markdown, for the READMEs: `python -m bench.report` (reads bench/results/latest.json)."""

from __future__ import annotations

import json

from bench.run import RESULTS


def main() -> None:
    result = json.loads((RESULTS / "latest.json").read_text())
    m = result["machine"]
    print(
        f"Run {result['started'][:10]} at commit {m.get('commit') or '?'} on {m['cpu']}, {m['cores']} cores, "
        f"{m['ram_gb']} GB; Python {m['python']}, Streamlit {m['streamlit']}, Chromium {m['chromium']}; "
        f"1-minute load average {m['load_average_at_start'][0]:.1f} before the run (other work on the machine); "
        f"CPU reference (a fixed Python loop, `bench.run.cpu_reference_ms`) {m['cpu_reference_ms_at_start']} ms at "
        f"the start and {m['cpu_reference_ms_at_end']} ms at the end.\n"
    )
    print("| figure | latest | target | met |\n|---|---|---|---|")
    for figure, measured, target, _, met in result["verdicts"]:
        print(f"| {figure} | {measured} | {target} | {'yes' if met else 'no'} |")
    pages = result["page_load"]["pages"]
    print("\n| median of " + str(result["page_load"]["rounds"]) + " cold loads | dashboard | bare page | one-line |")
    print("|---|---|---|---|")
    rows = [
        ("title and summary text visible", lambda p: f"{p['text_median_ms'] / 1e3:.2f} s"),
        ("every view drawn (grid cells in the DOM)", lambda p: f"{p['drawn_median_ms'] / 1e3:.2f} s"),
        ("every view drawn (grids painted)", lambda p: f"{p['drawn_painted_median_ms'] / 1e3:.2f} s"),
        ("HTTP, uncompressed / as transferred", lambda p: f"{p['http_body_bytes'] / 1e6:.1f} / "
         f"{p['http_transferred_bytes'] / 1e6:.1f} MB"),
        ("websocket payload (deflated)",
         lambda p: f"{p['ws_bytes'] / 1e3:.0f} KB ({p['ws_deflated_bytes'] / 1e3:.0f} KB)"),
    ]  # fmt: skip
    for label, cell in rows:
        print(f"| {label} | " + " | ".join(cell(pages[name]) for name in ("dashboard", "bare", "one_line")) + " |")


if __name__ == "__main__":
    main()
