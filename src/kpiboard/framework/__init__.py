"""The framework file: an organisation's KPI sets, targets and rules, declared as data."""

from kpiboard.framework.load import load_framework, load_framework_text
from kpiboard.framework.model import Framework, FrameworkError, Problem

__all__ = ["Framework", "FrameworkError", "Problem", "load_framework", "load_framework_text"]
