"""The pure core: periods, values, targets, tolerances, rating and direction of travel.

Nothing in this package imports Django or does I/O. Numbers are ``Decimal`` throughout.
"""
