"""A framework's key commitments, directorates and services (with their former names)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from kpiboard.framework import columns as L
from kpiboard.framework.fields import Reader
from kpiboard.framework.model import Directorate, Framework, KeyCommitment, Service

COMMITMENT_KEYS = {"name", "code", "priorities"}
DIRECTORATE_KEYS = {"name", "services", "rating_scheme", "direction_scheme", "formerly"}
SERVICE_KEYS = {"name", "teams", "rating_scheme", "direction_scheme", "formerly"}


def commitments_from(r: Reader, data: Mapping[str, Any]) -> list[KeyCommitment]:
    out = []
    with r.at("key_commitments", data):
        for i, item in enumerate(r.seq(data, "key_commitments")):
            with r.at(f"[{i}]", item):
                if isinstance(item, str):
                    r.check_length(item.strip(), L.COMMITMENT)
                    out.append(KeyCommitment(item.strip()))
                elif r.expect_mapping(item, COMMITMENT_KEYS):
                    out.append(KeyCommitment(
                        r.text(item, "name", required=True, max_len=L.COMMITMENT),
                        r.text(item, "code", max_len=L.COMMITMENT_CODE),
                        tuple(str(p) for p in r.seq(item, "priorities"))))
                if out and out[-1].name in {k.name for k in out[:-1]}:
                    r.problem(f"key commitment {out[-1].name!r} is listed twice", item)
    return out


def directorates_from(r: Reader, data: Mapping[str, Any], fw: Framework,
                      _scheme_ref: Callable[..., str]) -> list[Directorate]:
    out: list[Directorate] = []
    with r.at("directorates", data):
        for i, item in enumerate(r.seq(data, "directorates")):
            with r.at(f"[{i}]", item):
                if not r.expect_mapping(item, DIRECTORATE_KEYS):
                    continue
                services = []
                for j, s in enumerate(r.seq(item, "services")):
                    with r.at(f"services[{j}]", s):
                        if isinstance(s, str):
                            r.check_length(s.strip(), L.UNIT_NAME)
                            services.append(Service(s.strip()))
                        elif r.expect_mapping(s, SERVICE_KEYS):
                            services.append(Service(
                                r.text(s, "name", required=True, max_len=L.UNIT_NAME),
                                tuple(str(t) for t in r.seq(s, "teams")),
                                _scheme_ref(r, s, "rating_scheme", fw.rating_schemes) or None,
                                _scheme_ref(r, s, "direction_scheme", fw.direction_schemes)
                                or None, _names(r, s, "formerly")))
                if any(d.name == r.text(item, "name") for d in out):
                    r.problem(f"directorate {r.text(item, 'name')!r} is listed twice", item,
                              "name")
                out.append(Directorate(
                    r.text(item, "name", required=True, max_len=L.UNIT_NAME), tuple(services),
                    _scheme_ref(r, item, "rating_scheme", fw.rating_schemes) or None,
                    _scheme_ref(r, item, "direction_scheme", fw.direction_schemes) or None,
                    _names(r, item, "formerly")))
    _check_unit_names(r, out)
    return out


def _names(r: Reader, item: Mapping[str, Any], key: str) -> tuple[str, ...]:
    """``formerly: Housing Services`` or ``formerly: [Housing Services, Housing Dept]``."""
    value = item.get(key)
    if isinstance(value, str):
        return (value.strip(),)
    return tuple(str(v).strip() for v in r.seq(item, key))


def _check_unit_names(r: Reader, directorates: list[Directorate]) -> None:
    """A name (current or former) may belong to one directorate, and to one service within
    a directorate: otherwise a scope or a KPI naming it would be ambiguous."""
    from kpiboard.framework.model import fold

    seen: dict[str, str] = {}
    for d in directorates:
        for n in (d.name, *d.formerly):
            if fold(n) in seen and seen[fold(n)] != d.name:
                r.problem(f"directorate name {n!r} is also a name of {seen[fold(n)]!r}")
            seen.setdefault(fold(n), d.name)
        services: dict[str, str] = {}
        if len({s.name for s in d.services}) != len(d.services):
            r.problem(f"directorate {d.name!r} lists a service twice")
        for s in d.services:
            for n in (s.name, *s.formerly):
                if fold(n) in services and services[fold(n)] != s.name:
                    r.problem(f"service name {n!r} in {d.name} is also a name of "
                              f"{services[fold(n)]!r}")
                services.setdefault(fold(n), s.name)
