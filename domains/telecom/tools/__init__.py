"""Larkspur Telecom tools, one module per area; every module is passed to collect_tools."""

from . import account, billing, devices, lines, support

MODULES = (account, lines, devices, billing, support)
