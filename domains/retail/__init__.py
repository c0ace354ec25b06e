"""retail: Fernwick Market, an online shop (orders, returns, exchanges, payment methods)."""

from tautrait.domain import DomainSpec, collect_tools

from . import rules, schema
from .tools import MODULES

DOMAIN = DomainSpec(
    name="retail",
    description="Fernwick Market online shop: orders, returns, exchanges, payment methods",
    now=rules.NOW,
    metadata=schema.Base.metadata,
    tools=collect_tools(*MODULES),
    greeting="Hi, you're chatting with Fernwick Market support. How can I help you today?",
)
