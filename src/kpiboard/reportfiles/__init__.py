"""Report files (PDF, Word, Excel) built in the background and served as files.

A period's files are built by a worker when it is published or a published figure changes
(``services.files_refresh_later``), stored under ``KPIBOARD_DATA_DIR/reports/`` and served by
the download view; a request never builds one. See docs/reports.md ("Report files").
"""
