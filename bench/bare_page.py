"""The benchmark's floor: the dashboard's component kinds holding a few rows of trivial data.

Two pydeck maps (boundary, arc and point layers, no basemap), two Plotly scatter charts drawn as the
dashboard draws them (components/views/plotly_view.py, its bundle preloaded), a data grid and the sidebar filters
bound to the URL, laid out as the dashboard lays them out; the group filter changes every view. Whatever the
dashboard costs beyond this page is what the project's own code adds.
"""

from datetime import date
from pathlib import Path

import pandas as pd
import pydeck as pdk
import streamlit as st

from components.views import plotly_view

st.set_page_config(page_title="Bare page", layout="wide")
STATIC_DIR = Path(__file__).with_name("static")
st.title("Bare page")
st.markdown("A page with the same component kinds as the dashboard and a few rows of trivial data.")

GROUPS = ["Alpha", "Beta", "Gamma"]
with st.sidebar:
    st.header("Filters")
    chosen = st.multiselect("Groups", GROUPS, key="actor", bind="query-params", placeholder="All groups")
    window = st.slider(
        "Dates",
        min_value=date(2022, 1, 1),
        max_value=date(2022, 1, 19),
        value=(date(2022, 1, 1), date(2022, 1, 19)),
        format="D MMM",
        key="dates",
        bind="query-params",
    )
    later = st.toggle("Include later reports", value=True, key="later", bind="query-params")
    search = st.text_input("Search", key="q", bind="query-params")
    plotly_view.preload(STATIC_DIR)  # as the dashboard does

shown = chosen or GROUPS
points = pd.DataFrame(
    {"group": GROUPS, "lon": [71.4, 76.9, 69.6], "lat": [51.2, 43.2, 42.3], "label": GROUPS, "size": [4, 8, 6]}
)
points = points[points["group"].isin(shown)]
arcs = pd.DataFrame(
    {"from_lon": [37.6, 27.6], "from_lat": [55.8, 53.9], "to_lon": [76.9, 71.4], "to_lat": [43.2, 51.2]}
)
outline = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "properties": {"name": "area"},
            "geometry": {"type": "Polygon", "coordinates": [[[50, 41], [87, 41], [87, 55], [50, 55], [50, 41]]]},
        }
    ],
}


def deck(longitude: float, latitude: float, zoom: float, with_arcs: bool) -> pdk.Deck:
    layers = [
        pdk.Layer("GeoJsonLayer", outline, stroked=True, filled=True, get_fill_color=[230, 230, 230]),
        pdk.Layer("ScatterplotLayer", points, get_position=["lon", "lat"], get_radius="size", radius_units="pixels"),
    ]
    if with_arcs:
        layers.append(
            pdk.Layer(
                "ArcLayer", arcs, get_source_position=["from_lon", "from_lat"], get_target_position=["to_lon", "to_lat"]
            )
        )
    return pdk.Deck(
        layers=layers,
        initial_view_state=pdk.ViewState(longitude=longitude, latitude=latitude, zoom=zoom),
        map_provider=None,
        tooltip={"text": "{label}"},
    )


st.header("Maps")
left, right = st.columns([3, 2])
with left:
    st.pydeck_chart(deck(66.9, 48.0, 3, True), height=460)
with right:
    st.pydeck_chart(deck(76.9, 43.2, 9, False), height=460)

# As on the dashboard, the filter changes every view: the charts dim the groups left out, the table drops them.
st.header("Charts")
for name in ("first", "second"):
    opacity = [1.0 if group in shown else 0.25 for group in GROUPS]
    figure = {  # a plain spec, as the dashboard's charts are built
        "data": [
            {"type": "scatter", "x": [1, 2, 3], "y": [3, 1, 2], "mode": "markers+lines", "name": name,
             "marker": {"opacity": opacity}}
        ],
        "layout": {},
    }  # fmt: skip
    plotly_view.show(figure, key=name, alt=f"The {name} chart.", static_dir=STATIC_DIR)

st.header("Table")
table = pd.DataFrame({"group": GROUPS, "value": [1, 2, 3]})
st.dataframe(table[table["group"].isin(shown)], hide_index=True, width="stretch")
