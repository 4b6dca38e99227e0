"""The data package: reading and validating it (its rules), its dictionary, citations, the reader's
selection, the boundaries, the zip."""
