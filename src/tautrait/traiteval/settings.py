"""The settings of one ``tautrait traits eval`` (every one recorded in the JSON output)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Method = Literal["steered", "mtad", "prompt"]
METHODS: tuple[Method, ...] = ("steered", "mtad", "prompt")
# The seed paper's four traits (section 4.2), in its order.
PAPER_TRAITS: tuple[str, ...] = ("impatience", "skepticism", "incoherence", "confusion")
# Composition: two traits active at once at these levels (seed paper, RQ4).
PAIR_LEVELS: tuple[tuple[str, str], ...] = (
    ("medium", "high"),
    ("medium", "medium"),
    ("high", "medium"),
    ("high", "high"),
)


class EvalSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    methods: list[Method] = Field(default_factory=lambda: list(METHODS))
    traits: list[str] = Field(default_factory=lambda: list(PAPER_TRAITS))
    """Canonical trait names."""
    contexts: int = Field(2, ge=1)
    contexts_file: Path | None = None
    turns: int = Field(4, ge=1)
    """User turns per conversation."""
    pairs: int = Field(1, ge=0)
    """Trait pairs for compositionality (each at the four PAIR_LEVELS)."""
    seed: int = 0
    user_model: str = "embedded"
    user_temperature: float = Field(0.7, ge=0)
    user_top_p: float = Field(0.95, gt=0, le=1)
    user_max_tokens: int = Field(48, ge=1)
    basis: Path | None = None
    agent_model: str = "local/embedded"
    agent_api_base: str | None = None
    agent_temperature: float = Field(0.0, ge=0)
    agent_max_tokens: int = Field(48, ge=1)
    scorer_model: str | None = None
    """The unsteered local model that scores every method (default: the user model if
    it is local, else the embedded model)."""
    judge_model: str | None = None
    judge_api_base: str | None = None
    judge_max_tokens: int = Field(512, ge=1)
    judge_concurrency: int = Field(8, ge=1)
    elo_shuffles: int = Field(100, ge=1)
    max_concurrency: int = Field(32, ge=1)
    """Conversations in flight at once (a local model batches their turns)."""
    max_batch_size: int = Field(32, ge=1)
    device: str = "auto"
    retry_attempts: int = Field(4, ge=1)
