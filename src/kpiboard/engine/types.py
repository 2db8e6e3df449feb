"""Shared vocabulary of the engine: polarity, value basis, frequency and value state."""

from __future__ import annotations

from enum import Enum


class Polarity(str, Enum):
    """Which way is better for a KPI."""

    HIGHER = "higher"  # higher is better
    LOWER = "lower"  # lower is better
    TARGET = "target"  # close to target is best (a target band)
    NONE = "none"  # no polarity: tracking or context only

    @property
    def label(self) -> str:
        return {
            Polarity.HIGHER: "Higher is better",
            Polarity.LOWER: "Lower is better",
            Polarity.TARGET: "Close to target is best",
            Polarity.NONE: "No polarity",
        }[self]


class ValueBasis(str, Enum):
    """How a KPI's period values add up to a quarter or a year to date."""

    IN_PERIOD = "in_period"  # counts in each period; YTD is the sum
    SNAPSHOT = "snapshot"  # position at the period end; YTD is the latest
    CUMULATIVE = "cumulative"  # each value is already the total to date; YTD is the latest
    RATIO = "ratio"  # numerator / denominator; YTD is summed numerators over summed denominators
    AVERAGE = "average"  # YTD is the mean of the period values
    ROLLING_12 = "rolling_12"  # each value covers the 12 months to date; YTD is the latest


class Frequency(str, Enum):
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    HALF_YEARLY = "half_yearly"
    ANNUAL = "annual"


class ValueState(str, Enum):
    """Whether a period has a usable value, and if not, why not. Never read as zero."""

    VALUE = "value"
    MISSING = "missing"  # "Data unavailable", "-", blank
    NOT_APPLICABLE = "not_applicable"  # "N/A", "n/a"
    IN_ARREARS = "in_arrears"  # "N/A Reporting one month in arrears"
    TO_BE_CONFIRMED = "to_be_confirmed"  # "TBC", "TBD"


class Unit(str, Enum):
    COUNT = "count"
    PERCENT = "percent"
    RATE = "rate"  # rate per 1,000 / 10,000 / 100,000 population
    DAYS = "days"
    WEEKS = "weeks"
    MONEY = "money"  # pounds sterling
    RATIO = "ratio"
    NUMBER = "number"  # any other number (scores, averages)
