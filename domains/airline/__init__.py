"""airline: Larkline Air, a regional airline's customer-service desk."""

from tautrait.domain import DomainSpec, collect_tools

from . import rules, schema
from .tools import account, booking, changes, flights, support

DOMAIN = DomainSpec(
    name="airline",
    description="Larkline Air: bookings, flight changes, cancellations, bags, compensation",
    now=rules.NOW,
    metadata=schema.Base.metadata,
    tools=collect_tools(account, flights, booking, changes, support),
    greeting="Hello, you've reached Larkline Air customer service. How can I help you today?",
)
