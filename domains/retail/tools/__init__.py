"""The retail tools, one module per area (every module is passed to collect_tools)."""

from . import accounts, catalog, orders, returns, support

MODULES = (accounts, catalog, orders, returns, support)

__all__ = ["MODULES", "accounts", "catalog", "orders", "returns", "support"]
