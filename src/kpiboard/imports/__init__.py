"""Importing KPI sets and period values from the spreadsheets councils already keep."""
