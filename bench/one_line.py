import streamlit as st

st.write("Hello")  # noqa: E702, I001 - the benchmark's floor: a one-line page
