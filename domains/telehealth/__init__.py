"""telehealth: Alderbrook Telecare, a virtual clinic with a home-monitoring programme."""

from datetime import datetime

from tautrait.domain import DomainSpec, collect_tools

from . import schema
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
    now=datetime(2026, 6, 9, 9, 0),
    metadata=schema.Base.metadata,
    tools=collect_tools(
        patients, scheduling, records, pharmacy, supply, devices, readings, billing, handoff
    ),
    greeting="Hello, you've reached Alderbrook Telecare patient support. How can I help you today?",
)
