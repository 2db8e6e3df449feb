"""Reports: one plain-data model built from the database, many renderers."""
