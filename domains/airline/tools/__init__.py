"""Larkline Air tools, one module per area; ``DOMAIN`` collects every module."""
