"""Kazakhstan, January 2022: the unrest and the CSTO deployment."""

import streamlit as st

from components import loader, summary

st.set_page_config(page_title="Kazakhstan, January 2022", page_icon="🗺️", layout="wide")

st.title("Kazakhstan, January 2022: the unrest and the CSTO deployment")
result = loader.load(str(loader.data_dir()))
if result.dataset is None:
    st.error("The dashboard cannot show the data: the data package failed validation.")
    st.code(result.problem_report, language=None)
    st.stop()

dataset = result.dataset
st.markdown(dataset.descriptor["x-summary"])
st.caption(summary.headline(dataset))

st.subheader("What the dataset holds")
st.dataframe(summary.table_summary(dataset), hide_index=True, width="stretch")
