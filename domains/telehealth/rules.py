"""Alderbrook Telecare's fixed time and policy numbers: the one place for them.

Shared by ``DOMAIN`` (its fixed time), the tools (which enforce the rules) and
``generate.py`` (which writes seed data that follows them). ``policy.md`` states these
values for the agent.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

# The domain's fixed "current time" (DOMAIN.now): tools read it as ctx.now.
NOW = datetime(2026, 6, 9, 9, 0)

# The states where the clinic's providers may see patients (each needs a license there).
SERVICE_STATES = ("AZ", "CO", "MN", "NM", "OR", "UT", "WA", "WI")
# Cancelling closer than this to the start costs a share of the visit fee.
LATE_CANCEL_WINDOW = timedelta(hours=24)
LATE_CANCEL_SHARE = Decimal("0.5")
MAX_UPCOMING_APPOINTMENTS = 3
MAX_RESCHEDULES = 2
FLAG_WINDOW_DAYS = 30
# An invoice (visit, late cancellation, device) falls due this many days after issue.
INVOICE_DUE_DAYS = 30
# One late-cancellation fee may be waived per this many days.
WAIVER_PERIOD_DAYS = 365
