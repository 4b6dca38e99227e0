"""The page around the views: the one cached loader, the URL's parameters, the layout's fixed measures, the
static files, downloads, citation and the archival edition."""
