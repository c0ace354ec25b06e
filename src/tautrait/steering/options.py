"""The steering options, each a ``Literal`` defined once: configuration (a run, a
server, ``traits extract``) names them without importing torch. Where a vector is added
(``SteeringPosition``) is the generation worker's option: :mod:`tautrait.local.pool`."""

from __future__ import annotations

from typing import Literal

Compose = Literal["linear", "orthogonal"]
"""How a trait dict's vectors combine: summed as they are, or each trait made orthogonal
to the ones before it first."""
Pooling = Literal["reply", "all"]
"""What a trait direction is averaged over when extracted: the reply's tokens, or the
whole conversation."""
