"""The settings of the user side: which simulator plays the customer, and how.

``--user-strategy`` (:data:`UserStrategy`):

- ``steered`` (default): a local model steered by TraitBasis vectors;
- ``mtad``: the same local model decoding from a weighted mixture of single-trait
  experts (seed paper 001);
- ``prompt``: any litellm model, traits written into its prompt by a meta-prompt (the
  paper's prompt baseline);
- ``llm``: any litellm model, neutral prompt (no trait arms);
- ``human``: a person types the customer's messages (no trait arms, one episode at a
  time);
- ``steer``: a steering server (``tautrait serve``, or the seed's hosted service) at
  ``--user-endpoint`` plays the steered user remotely.

A run derives its :class:`UserSettings` from its whole configuration
(``RunConfig.user_settings``); ``traits eval`` and ``chat`` build them directly. The
defaults are a run's defaults (a test holds them equal).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from tautrait.llm import RetryPolicy
from tautrait.local.models import is_embedded
from tautrait.local.pool import SteeringPosition
from tautrait.steering.options import Compose, Pooling

UserStrategy = Literal["steered", "mtad", "prompt", "llm", "human", "steer"]
LOCAL_STRATEGIES: tuple[UserStrategy, ...] = ("steered", "mtad")
"""The strategies played by a local model in this process."""
TRAIT_STRATEGIES: tuple[UserStrategy, ...] = ("steered", "mtad", "prompt", "steer")
"""The user strategies that can express traits."""
SCHEDULE_STRATEGIES: tuple[UserStrategy, ...] = ("steered",)
"""The user strategies that can change a trait's intensity from one turn to the next."""


def run_retry(attempts: int = 6) -> RetryPolicy:
    """A run's default retry policy (``--retry-initial-s 1 --retry-max-s 300``) with
    ``attempts`` tries per call."""
    return RetryPolicy(attempts=attempts, initial_s=1.0, max_total_s=300.0)


class UserSettings(BaseModel):
    """Everything the user side reads: the simulator, its sampling, its steering."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    strategy: UserStrategy = "steered"
    model: str = "embedded"
    """steered/mtad: a local checkpoint folder or "embedded"; prompt/llm: a litellm model
    (the embedded model or a folder is served locally)."""
    api_base: str | None = None
    """Base URL for the user's provider (llm and prompt strategies)."""
    endpoint: str | None = None
    """steer: the steering server's URL."""
    api_key: SecretStr | None = Field(None, exclude=True)
    """steer: the server's API key (else STEER_API_KEY); never written anywhere."""
    temperature: float = Field(0.7, ge=0)
    top_p: float = Field(0.95, gt=0, le=1)
    max_tokens: int = Field(128, ge=1)
    adapters: tuple[str, ...] = ()
    """mtad experts as LoRA adapters: ``trait=folder`` entries."""
    basis: Path | None = None
    """A basis file (else the model's basis is extracted and cached)."""
    pooling: Pooling = "reply"
    steering_position: SteeringPosition = "all"
    """Recorded with each arm; the generation worker applies it (``PoolSettings``)."""
    compose: Compose = "linear"
    device: str = "auto"
    dtype: str = "auto"
    retry: RetryPolicy = Field(default_factory=run_retry)
    """How the user's provider calls are retried (llm, prompt and steer strategies)."""


def litellm_name(model: str) -> str:
    """A user model name for litellm: the embedded model or a local folder becomes
    ``local/<model>``; provider names pass through."""
    if is_embedded(model) or Path(model).expanduser().is_dir():
        return f"local/{model}"
    return model
