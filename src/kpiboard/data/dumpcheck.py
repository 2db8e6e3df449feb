"""What ``kpiboard restore`` checks in a dump before writing anything.

Every number in a decimal column must fit the bounded number type
(``kpiboard.engine.numbers``), and no text may hold a NUL or another control character
(PostgreSQL refuses NUL in text; a dump written from SQLite could hold one). Each problem
names the record (its position in the file, model and primary key) and the field.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import models

from kpiboard.engine.numbers import number_problem

# C0 control characters but tab, line feed and carriage return; and DEL
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def control_problem(text: str) -> str | None:
    """Why ``text`` cannot be stored (a control character, and where), or None."""
    found = CONTROL.search(text)
    if found is None:
        return None
    name = "a NUL character" if found.group() == "\x00" else \
        f"the control character U+{ord(found.group()):04X}"
    return (f"{name} at character {found.start() + 1}; text may hold no control characters "
            "(remove it, or save the text again)")


def dump_problems(records: list[Any], models_by_label: dict[str, type[models.Model]]
                  ) -> list[str]:
    problems: list[str] = []
    for number, record in enumerate(records, start=1):
        if not isinstance(record, dict) or not isinstance(record.get("fields"), dict):
            problems.append(f"record {number}: expected a record with model, pk and fields")
            continue
        label = str(record.get("model", ""))
        model = models_by_label.get(label)
        where = f"record {number} ({label} {record.get('pk')})"
        decimals = set() if model is None else {
            f.name for f in model._meta.get_fields()
            if isinstance(f, models.DecimalField)}
        for name, value in record["fields"].items():
            problem = _value_problem(value, name in decimals)
            if problem is not None:
                problems.append(f"{where}, field {name!r}: {problem}")
    return problems


def _value_problem(value: Any, decimal: bool, depth: int = 0) -> str | None:
    if decimal and value is not None:
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            return f"expected a number, found {str(value)[:40]!r}"
        return number_problem(number)
    if isinstance(value, str):
        return control_problem(value)
    if depth < 50 and isinstance(value, dict):
        value = [*value.keys(), *value.values()]
    if depth < 50 and isinstance(value, list):
        for item in value:
            problem = _value_problem(item, False, depth + 1)
            if problem is not None:
                return problem
    return None
