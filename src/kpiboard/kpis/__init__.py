"""The performance framework in the database: organisations, KPI sets per year, definitions,
targets, tolerances, benchmarks and the rating and direction-of-travel schemes."""
