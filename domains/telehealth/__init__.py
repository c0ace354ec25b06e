"""telehealth: Alderbrook Telecare, a virtual clinic with a home-monitoring programme."""

from tautrait.domain import DomainSpec, collect_tools

from . import rules, schema
from .tools import (
    billing,
    devices,
    handoff,
    patients,
    pharmacy,
    readings,
    records,
    scheduling,
    supply,
)

DOMAIN = DomainSpec(
    name="telehealth",
    description="Virtual clinic: appointments, prescriptions and refills, home-monitoring "
    "devices and readings, billing",
    now=rules.NOW,
    metadata=schema.Base.metadata,
    tools=collect_tools(
        patients, scheduling, records, pharmacy, supply, devices, readings, billing, handoff
    ),
    greeting="Hello, you've reached Alderbrook Telecare patient support. How can I help you today?",
)
