"""The views, as pure functions of the data and the selection: the maps and their labels and key, the claim
charts, the quote table, the opening's figures and day control, the views' tables and sentences."""
