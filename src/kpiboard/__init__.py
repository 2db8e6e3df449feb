"""kpiboard: performance management for UK councils and other public bodies."""

__version__ = "0.1.0"
