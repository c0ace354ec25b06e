"""What a domain package declares about itself (see ``domains/README.md``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import MetaData

from tautrait.domain.tools import ToolSpec


@dataclass(frozen=True)
class DomainSpec:
    """The declaration in ``domains/<name>/__init__.py`` (bound to the name ``DOMAIN``).

    Attributes:
        name: The domain's name; must equal its folder's name.
        description: One line for ``tautrait domains list``.
        now: The domain's fixed current time. Tools read it from ``ctx.now``; nothing
            in a domain may read the wall clock, or replays stop hashing identically.
        metadata: The SQLAlchemy metadata of the schema (``Base.metadata``).
        tools: The tool registry, usually ``collect_tools(tools_module)``.
        greeting: The agent's fixed opening line, shown to the simulated user first.
        requires_authentication: Writes act for a customer who must first prove who
            they are (the authentication tool grants ``ctx.auth``, every write tool
            checks it). ``tautrait validate`` then proves, per write task, that skipping
            the authentication step changes the outcome. Only a domain without customer
            identities (a test fixture) sets False.
    """

    name: str
    description: str
    now: datetime
    metadata: MetaData
    tools: list[ToolSpec]
    greeting: str = "Hi! How can I help you today?"
    requires_authentication: bool = True
