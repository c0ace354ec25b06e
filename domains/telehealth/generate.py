"""Deterministic generator of the Alderbrook Telecare seed data (``data/<table>.json``).

Everything here is fictional: the clinic, its partner pharmacies and device suppliers,
the towns, the patients, the providers and every reading. ``tautrait domains generate
telehealth`` writes :func:`tables` into ``data/`` (``--check`` compares instead).

The output depends only on the fixed seed (``seed/world.py``) and the domain's fixed time
(``rules.NOW``): no wall clock, no set iteration order. The steps live in ``seed/``:
``world.py`` (the vocabulary and the seed), then ``catalogue``, ``providers``, ``patients``,
``visits``, ``prescriptions`` and ``devices``; they share one random stream, so their
order here is part of the data.
"""

from __future__ import annotations

from .rules import NOW, SERVICE_STATES
from .seed.catalogue import make_catalogue
from .seed.devices import make_devices
from .seed.patients import make_patients
from .seed.prescriptions import make_prescriptions
from .seed.providers import make_providers
from .seed.state import Clinic
from .seed.visits import make_visits
from .seed.world import SEED, STATES, Row

__all__ = ["NOW", "SEED", "tables"]


def tables() -> dict[str, list[Row]]:
    """Every table's rows."""
    if sorted(STATES) != sorted(SERVICE_STATES):
        raise ValueError("STATES must describe exactly the service states of rules.py")
    c = Clinic()
    for step in (
        make_catalogue,
        make_providers,
        make_patients,
        make_visits,
        make_prescriptions,
        make_devices,
    ):
        step(c)
    # Ids that follow the rows' final order, not the order they were made in.
    c.records.sort(
        key=lambda r: (r["recorded_on"], r["patient_id"], r["record_type"], r["description"])
    )
    for r in c.records:
        r["record_id"] = c.ids.next("MR-", 800001)
    c.tables["medical_records"] = c.records
    c.invoices.sort(key=lambda r: (r["issued_on"], r["patient_id"], r["kind"]))
    for r in c.invoices:
        r["invoice_id"] = c.ids.next("INV-", 30001)
    c.tables["invoices"] = c.invoices
    return c.tables
