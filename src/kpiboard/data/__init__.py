"""Period data: values with every revision, commentary, status overrides and project status."""
