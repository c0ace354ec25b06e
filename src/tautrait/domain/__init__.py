"""The domain framework: schema + seed data + typed tools + policy, and tasks over them.

Domain packages import what they need from here::

    from tautrait.domain import DomainSpec, ToolContext, ToolError, collect_tools, tool
"""

from tautrait.domain.spec import DomainSpec
from tautrait.domain.tools import ToolContext, ToolError, ToolSpec, collect_tools, tool

__all__ = ["DomainSpec", "ToolContext", "ToolError", "ToolSpec", "collect_tools", "tool"]
