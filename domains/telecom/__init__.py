"""telecom: Larkspur Telecom, a mobile and home-internet provider.

Accounts with mobile, home-internet and smartwatch lines; a plan and add-on catalogue with
roaming passes; devices with IMEIs, SIM ICCIDs and financing; monthly invoices with line
items, payments and credits; support tickets; network outages by zip code.
"""

from tautrait.domain import DomainSpec, collect_tools

from . import rules, schema, tools

DOMAIN = DomainSpec(
    name="telecom",
    description="Mobile and home-internet provider: plans, add-ons, devices, bills, outages",
    now=rules.NOW,
    metadata=schema.Base.metadata,
    tools=collect_tools(*tools.MODULES),
    greeting="Hi, thanks for contacting Larkspur Telecom! How can I help you today?",
)
