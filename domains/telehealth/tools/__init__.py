"""The telehealth tools, one module per area; every module is passed to collect_tools."""
