"""Rating and direction-of-travel schemes from framework data, and the built-in presets."""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any

from kpiboard.engine.rating import Band, RatingError, RatingScheme, Status, band_problems
from kpiboard.engine.tolerance import Tolerance
from kpiboard.engine.travel import CompareWith, DirectionScheme, TravelError
from kpiboard.framework.columns import SCHEME_TITLE
from kpiboard.framework.fields import Reader, tolerance_from
from kpiboard.framework.yamlio import LineDict, load_yaml

RATING_KEYS = {"preset", "title", "description", "method", "default_tolerance",
               "use_kpi_tolerance", "statuses", "outcomes", "bands", "gap_measure",
               "soften_when_improved"}
STATUS_KEYS = {"code", "label", "colour", "text_colour", "symbol", "description", "judged"}
BAND_KEYS = {"status", "more_than", "at_least"}
DIRECTION_KEYS = {"preset", "title", "description", "compare_with", "same_within",
                  "acceptable_within", "acceptable_when_on_target", "symbols", "labels"}


@cache
def preset_data(kind: str) -> dict[str, Any]:
    text = resources.files("kpiboard.framework").joinpath(f"presets/{kind}.yaml").read_text(
        encoding="utf-8")
    data: dict[str, Any] = load_yaml(text)
    return data


def _merged(preset: dict[str, Any], data: Any) -> LineDict:
    """A preset with the file's own fields over it; the file's fields keep their lines."""
    merged = LineDict({**preset, **{k: v for k, v in data.items() if k != "preset"}})
    merged.line = getattr(data, "line", 0)
    merged.lines = {k: v for k, v in getattr(data, "lines", {}).items() if k != "preset"}
    merged.plain = set(getattr(data, "plain", ()))
    return merged


def rating_scheme_from(r: Reader, name: str, data: Any) -> RatingScheme | None:
    if not r.expect_mapping(data, RATING_KEYS):
        return None
    if "preset" in data:
        presets = preset_data("rating")
        preset = r.choice(data, "preset", sorted(presets))
        if preset is None:
            return None
        return rating_scheme_from(r, name, _merged(presets[preset], data))
    statuses: list[Status] = []
    for i, item in enumerate(r.seq(data, "statuses", required=True)):
        with r.at(f"statuses[{i}]", item):
            if not r.expect_mapping(item, STATUS_KEYS):
                continue
            code = r.text(item, "code", required=True)
            statuses.append(Status(
                code=code, label=r.text(item, "label") or code.replace("_", " ").capitalize(),
                colour=r.text(item, "colour") or "#505a5f",
                text_colour=r.text(item, "text_colour") or "#ffffff",
                symbol=r.text(item, "symbol"), description=r.text(item, "description"),
                judged=r.boolean(item, "judged", default=True),
            ))
    bands: list[Band] = []
    band_items: list[Any] = []
    for i, item in enumerate(r.seq(data, "bands")):
        with r.at(f"bands[{i}]", item):
            if not r.expect_mapping(item, BAND_KEYS):
                continue
            if "more_than" in item and "at_least" in item:
                r.problem("give a band more_than or at_least, not both", item, "at_least")
                continue
            status = r.text(item, "status", required=True)
            key = "more_than" if "more_than" in item else "at_least"
            if item.get(key) is not None:
                gap = r.decimal(item, key)
                if gap is None:
                    continue
                bands.append(Band(status, gap, inclusive=key == "at_least"))
            else:
                bands.append(Band(status))
            band_items.append(item)
    band_trouble = False
    for i, message in band_problems(bands):
        with r.at(f"bands[{i}]", band_items[i]):
            r.problem(message, band_items[i])
        band_trouble = True
    outcomes = r.text_mapping(data, "outcomes")
    default_tol: Tolerance | None = None
    if "default_tolerance" in data:
        with r.at("default_tolerance", data):
            default_tol = tolerance_from(r, data["default_tolerance"])
    method = r.choice(data, "method", ["tolerance", "bands"]) or "tolerance"
    if band_trouble:
        return None
    try:
        kwargs: dict[str, Any] = {}
        if default_tol is not None:
            kwargs["default_tolerance"] = default_tol
        return RatingScheme(
            name=name, title=r.text(data, "title", max_len=SCHEME_TITLE) or name,
            description=r.text(data, "description"), statuses=tuple(statuses),
            outcomes=outcomes, method=method,
            use_kpi_tolerance=r.boolean(data, "use_kpi_tolerance", default=True),
            bands=tuple(bands),
            gap_measure=r.choice(data, "gap_measure", ["relative", "points"]) or "relative",
            soften_when_improved=r.text_mapping(data, "soften_when_improved"), **kwargs,
        )
    except RatingError as exc:
        r.problem(str(exc), data)
        return None


def direction_scheme_from(r: Reader, name: str, data: Any) -> DirectionScheme | None:
    if not r.expect_mapping(data, DIRECTION_KEYS):
        return None
    if "preset" in data:
        presets = preset_data("direction")
        preset = r.choice(data, "preset", sorted(presets))
        if preset is None:
            return None
        return direction_scheme_from(r, name, _merged(presets[preset], data))
    compare = r.choice(data, "compare_with", [c.value for c in CompareWith]) or "previous"
    acceptable = r.decimal(data, "acceptable_within") if "acceptable_within" in data else None
    same = r.decimal(data, "same_within")
    for key, figure in (("same_within", same), ("acceptable_within", acceptable)):
        if figure is not None and figure < 0:
            r.problem(f"{key} cannot be negative, found {figure}: it is how far a figure may "
                      "move and still count as the same (or acceptable)", data, key)
            return None
    try:
        return DirectionScheme(
            name=name, title=r.text(data, "title", max_len=SCHEME_TITLE) or name,
            description=r.text(data, "description"),
            symbols=r.text_mapping(data, "symbols"), labels=r.text_mapping(data, "labels"),
            compare_with=CompareWith(compare),
            same_within=same or Decimal(0),
            acceptable_within=acceptable,
            acceptable_when_on_target=r.boolean(data, "acceptable_when_on_target",
                                                default=False),
        )
    except TravelError as exc:
        r.problem(str(exc), data)
        return None


def preset_rating_scheme(name: str) -> RatingScheme:
    """A built-in rating scheme by name (``nnc``, ``childrens_trust``, ``four_band``, ...)."""
    r = Reader(f"preset {name}")
    scheme = rating_scheme_from(r, name, {"preset": name})
    r.raise_if_problems()
    assert scheme is not None
    return scheme


def preset_direction_scheme(name: str) -> DirectionScheme:
    r = Reader(f"preset {name}")
    scheme = direction_scheme_from(r, name, {"preset": name})
    r.raise_if_problems()
    assert scheme is not None
    return scheme
