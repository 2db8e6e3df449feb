"""How long each text of a framework may be, and the ranges of its small whole numbers: the
database's columns (``kpiboard.kpis.models``), checked when a file is read so that the
database never refuses a framework half-way through storing it.

``tests/framework/test_strict_columns.py`` checks these against the models.
"""

ORGANISATION = 200  # Organisation.name
SHORT_NAME = 50  # Organisation.short_name
SCHEME = 100  # RatingScheme.name, DirectionScheme.name (and every reference to one)
SCHEME_TITLE = 200  # RatingScheme.title, DirectionScheme.title
COMMITMENT = 200  # KeyCommitment.name, Kpi.key_commitment
COMMITMENT_CODE = 20  # KeyCommitment.code
UNIT_NAME = 200  # Directorate.name, Service.name, Kpi.directorate/department/team/portfolio
REF = 50  # Kpi.ref, KpiChange.ref
PRIORITY = 300  # Kpi.priority
THEME = 100  # Kpi.theme
SUB_CODE = 100  # SubMeasure.code
BENCHMARK_PERIOD = 50  # Benchmark.period
BENCHMARK_GROUP = 200  # Benchmark.group

# A KPI set spreadsheet's columns (kpiboard.imports.kpiset) and their widths.
KPI_SET = {"ref": REF, "key_commitment": COMMITMENT, "priority": PRIORITY,
           "directorate": UNIT_NAME, "department": UNIT_NAME, "team": UNIT_NAME,
           "portfolio": UNIT_NAME}

DECIMALS = 10  # Kpi.decimals: 0 to 10 decimal places (numbers keep at most 10)
ARREARS_MONTHS = 24  # Kpi.arrears_months: 0 to 24 months (two years) behind


def too_long(cells: dict[str, str]) -> list[tuple[str, str]]:
    """(column key, message) for each of a KPI set row's texts longer than its column."""
    return [(key, f"{cells[key][:40]!r}… is {len(cells[key])} characters long; kpiboard "
                  f"keeps at most {width} here")
            for key, width in KPI_SET.items() if len(cells.get(key, "")) > width]
