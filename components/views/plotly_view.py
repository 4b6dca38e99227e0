"""Plotly charts that keep one plot per chart and redraw it in place.

`st.plotly_chart` hashes the figure into the element's identity, so a changed figure (a filter change dims
other claimants) replaces the element: the plot is rebuilt from scratch and drawn twice, once before and once
after its width is known. This view mounts a small component under a fixed key instead. The first figure is
drawn with `Plotly.newPlot`, each later one with `Plotly.react` on the same plot: one draw per change.

Plotly's own browser bundle, in its smallest build that draws these charts (components/assets/), is published
once per process as a static file (components/page/static_files.py) named by its version. Where that cannot be
written, the chart falls back to `st.plotly_chart`.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

import streamlit as st

from components.page import static_files
from components.views.charts import TEXT_COLOURED

# No toolbar: on a phone it covered the charts' labels; the figures are in each chart's table and the downloads.
CONFIG = {"displaylogo": False, "displayModeBar": False}
ROOT_CLASS = "plotly-view"
COMPONENT_NAME = "kz_plotly_view"
ELEMENT_TYPE = "bidi_component"  # how Streamlit's element tree names a mounted component


# plotly.js's "basic" bundle (npm: plotly.js-basic-dist-min), of the version the `plotly` package is built for.
# It holds the scatter, bar and pie traces, which is all the charts draw (tests/test_views.py checks both), at a
# quarter of the full bundle's size and of the time a browser takes to evaluate it.
BUNDLE = Path(__file__).parent.parent / "assets" / "plotly-basic-4.1.1.min.js"
BUNDLE_TRACE_TYPES = frozenset({"scatter", "bar", "pie"})


def bundle_name() -> str:
    return BUNDLE.name


@functools.cache
def published_bundle(static_dir: Path) -> str | None:
    """Plotly's bundle in `static_dir`, written once per process: its URL relative to the page, or None."""
    return static_files.publish(static_dir, bundle_name(), lambda: BUNDLE.read_text(encoding="utf-8"))


def chart_data(figure: dict, alt: str, bundle_url: str) -> dict:
    """What the browser needs to draw one chart: the figure spec, its text alternative, Plotly's config and bundle."""
    return {"figure": figure, "alt": alt, "config": CONFIG, "bundle": bundle_url}


# Loads Plotly's bundle once per page: the charts and the preload below share one request.
LOADER = r"""
function plotlyFrom(url) {
  const loading = (window.__plotlyViewBundles ??= {});
  if (window.Plotly) return Promise.resolve(window.Plotly);
  return (loading[url] ??= new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = new URL(url, document.baseURI).href;
    script.onload = () => (window.Plotly ? resolve(window.Plotly) : reject(new Error('no Plotly in ' + url)));
    script.onerror = () => { delete loading[url]; reject(new Error('could not load ' + url)); };
    document.head.appendChild(script);
  }));
}
"""

# Streamlit's chart theme for a figure's layout, in the browser: `themed(layout, element)`. The archive
# (components/page/archive.py) sets the same CSS variables and draws its charts with it too.
THEME = r"""
// "#rrggbb", "#rgb" or "rgb(r, g, b)" at the given opacity; anything else as it is.
function faded(colour, opacity) {
  let channels = null;
  const hex = colour.match(/^#([0-9a-f]{3}|[0-9a-f]{6})$/i);
  if (hex) {
    const digits = hex[1].length === 3 ? [...hex[1]].map((d) => d + d) : hex[1].match(/../g);
    channels = digits.map((pair) => parseInt(pair, 16));
  } else {
    const rgb = colour.match(/^rgba?\(\s*(\d+)[\s,]+(\d+)[\s,]+(\d+)/i);
    if (rgb) channels = rgb.slice(1, 4).map(Number);
  }
  return channels ? `rgba(${channels.join(', ')}, ${opacity})` : colour;
}

// Streamlit's chart theme, with the colours read from the CSS variables Streamlit sets on the component, as the
// template's defaults: the figure's own settings win, and light and dark themes both read well. As in Streamlit's
// own theme, axes make room for their labels (automargin) and only the value axis has gridlines.
function themed(layout, element) {
  const style = getComputedStyle(element);
  const text = style.getPropertyValue('--st-text-color').trim() || '#31333f';
  const background = style.getPropertyValue('--st-background-color').trim() || '#ffffff';
  const muted = faded(text, 0.7);
  const rule = faded(text, 0.12);
  const axis = {
    gridcolor: rule, zerolinecolor: rule, linecolor: rule, tickcolor: rule, automargin: true,
    tickfont: { color: muted, size: 12 }, title: { font: { color: muted, size: 14 } },
  };
  return {
    ...layout,
    template: {
      layout: {
        font: { color: muted, size: 12 }, paper_bgcolor: 'rgba(0,0,0,0)', plot_bgcolor: 'rgba(0,0,0,0)',
        xaxis: { ...axis, showgrid: false, zeroline: false }, yaxis: axis,
        legend: { font: { color: text, size: 12 }, title: { font: { color: muted, size: 12 } } },
        hoverlabel: { bgcolor: background, bordercolor: rule, font: { color: text, size: 12 } },
      },
    },
  };
}
"""

# Runs in the page. Streamlit calls the default export on every run with the new data, on the same node.
SCRIPT = (
    r"""
__LOADER__

__THEME__

// Traces marked with this `meta` are drawn in the theme's text colour: a line that must read as strongly in a dark
// theme as in a light one (the official figure's step line).
function textColoured(traces, element) {
  const text = getComputedStyle(element).getPropertyValue('--st-text-color').trim() || '#31333f';
  return traces.map((trace) =>
    trace.meta === '__TEXT_COLOURED__' ? { ...trace, line: { ...trace.line, color: text } } : trace);
}

export default function ({ data, parentElement }) {
  const root = parentElement.querySelector('.__ROOT_CLASS__');
  root.setAttribute('aria-label', data.alt);
  // Hold the chart's height before the bundle arrives, so the page below it does not jump.
  if (data.figure.layout && data.figure.layout.height) root.style.minHeight = `${data.figure.layout.height}px`;
  root.__wanted = data;
  plotlyFrom(data.bundle)
    .then((Plotly) => {
      if (root.__wanted !== data || !root.isConnected) return;  // a newer figure has arrived meanwhile
      const layout = themed(data.figure.layout || {}, parentElement);
      const draw = root.__drawn ? Plotly.react : Plotly.newPlot;
      root.__drawn = true;
      if (!root.__resizing) {
        // Plotly follows the window's size; the column can change width without it (the sidebar opening).
        root.__resizing = new ResizeObserver(() => {
          if (root.__drawnWidth && Math.abs(root.clientWidth - root.__drawnWidth) > 1) Plotly.Plots.resize(root);
          root.__drawnWidth = root.clientWidth;
        });
        root.__resizing.observe(root);
      }
      return draw(root, textColoured(data.figure.data, parentElement), layout, data.config);
    })
    .catch((problem) => {
      console.error(problem);
      root.textContent = 'This chart could not be drawn. Its figures are in the downloads below.';
    });
  return () => {
    if (root.__resizing) root.__resizing.disconnect();
    if (window.Plotly) window.Plotly.purge(root);
  };
}
""".replace("__LOADER__", LOADER)
    .replace("__THEME__", THEME)
    .replace("__ROOT_CLASS__", ROOT_CLASS)
    .replace("__TEXT_COLOURED__", TEXT_COLOURED)
)

# A figure, not an image: it holds Plotly's buttons, which an image's children cannot be. It takes the keyboard's
# focus, so a reader tabbing through the page meets each chart and hears its text alternative.
STYLE = f"""
.{ROOT_CLASS} {{ width: 100%; }}
.{ROOT_CLASS}:focus-visible {{ outline: 2px solid var(--st-primary-color, #0b5394); outline-offset: 2px; }}
"""

_component = st.components.v2.component(
    COMPONENT_NAME,
    html=f'<div class="{ROOT_CLASS}" role="figure" tabindex="0"></div>',
    css=STYLE,
    js=SCRIPT,
    isolate_styles=False,
)


def mounted_figures(elements) -> list[dict]:
    """The figures in a run's component elements (protos, as AppTest or the websocket hands them over)."""
    protos = [getattr(element, "proto", element) for element in elements]
    return [json.loads(proto.json)["figure"] for proto in protos if proto.component_name == COMPONENT_NAME]


def preload(static_dir: Path) -> None:
    """Start loading Plotly's bundle as the page's first elements render, not when the first chart mounts.

    Without a GPU, Chromium's first frame of the maps holds the page's main thread for about a second (compiling
    their shaders in software); charts whose bundle arrives after that frame wait for it. Call it before the first
    map; it shows nothing, but its element takes a gap's height. Where the bundle cannot be published, the charts
    fall back and nothing is loaded.
    """
    bundle_url = published_bundle(static_dir)
    if bundle_url is not None:
        # A failure is left to the charts, which try again and say so where the chart would be.
        st.html(
            f"<script>(() => {{ {LOADER} plotlyFrom({json.dumps(bundle_url)}).catch(() => {{}}); }})();</script>",
            unsafe_allow_javascript=True,
        )


def show(figure: dict, *, key: str, alt: str, static_dir: Path) -> None:
    """Draw `figure` under `key`: the same key keeps the same plot from run to run."""
    if not isinstance(figure, dict):
        raise TypeError(f"plotly_view.show takes a figure spec (a dict), not {type(figure).__name__}")
    bundle_url = published_bundle(static_dir)
    if bundle_url is None:
        st.plotly_chart(figure, width="stretch", alt=alt, config=CONFIG)
        return
    _component(key=key, data=chart_data(figure, alt, bundle_url), width="stretch")
