"""The steered simulator behind ``tautrait serve``: one model, its trait basis, one worker.

Every request of every client becomes a :class:`~tautrait.local.generation.GenerationRequest`
on the model's single :class:`~tautrait.local.generation.GenerationWorker`, so clients
share one continuously batched decoding loop, each row with its own steering and seed.
A request's text depends only on its messages, traits, sampling settings and seed, so
a client gets exactly what the in-process steered simulator produces for the same
inputs (up to floating-point differences between batch shapes, as in-process).

Nothing here knows HTTP: bad input raises :class:`BadRequest`, which the app turns into
a 4xx with a JSON error.
"""

from __future__ import annotations

import asyncio
import hashlib
import secrets
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import torch
from rich.console import Console

from tautrait import __version__
from tautrait.errors import UserError
from tautrait.local.chat import encode_prompt, render_prompt
from tautrait.local.generation import GenerationRequest, GenerationWorker
from tautrait.local.models import LocalModel, is_embedded, load_local_model
from tautrait.local.pool import ModelPool, PoolSettings, SteeringPosition
from tautrait.serve.protocol import Health
from tautrait.serve.settings import ServeConfig
from tautrait.steering.basis import TraitBasis, model_basis
from tautrait.steering.options import Compose
from tautrait.steering.traits import TraitDefinition, load_definitions, parse_trait_dict
from tautrait.user.steered import PromptTooLong, fit_prompt

"""Numeric intensities beyond this many "medium"s are refused: far past any calibrated
"high", they only make the model degenerate."""
STEERING_CACHE = 1024
"""Distinct trait settings whose vectors are kept; clients can send endless numbers."""


class BadRequest(Exception):
    """A request the server cannot serve as sent; the message says how to fix it."""

    def __init__(
        self, message: str, *, param: str | None = None, status: int = 400, code: str | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.param = param
        self.status = status
        self.code = code


class GenerationFailed(Exception):
    """The model failed on a well-formed request (a server fault, not the client's)."""


@dataclass
class Reply:
    text: str
    finish_reason: str
    seed: int
    prompt_tokens: int
    completion_tokens: int


def basis_sha256(basis: TraitBasis) -> str:
    """A content hash of the basis: its metadata and every vector's bytes."""
    digest = hashlib.sha256(basis.meta.model_dump_json().encode())
    for name in sorted(basis.vectors):
        digest.update(name.encode())
        digest.update(basis.vectors[name].float().contiguous().numpy().tobytes())
    return digest.hexdigest()


class SteeringService:
    """See the module docstring.

    Args:
        lm: The served model.
        basis: Its trait directions and calibration.
        worker: The model's generation worker (shared by all requests).
        name: What clients pass as ``model`` (the ``--user-model`` value).
        compose: How several traits combine.
        position: Where the worker adds steering (recorded in /health).
        max_tokens: The most tokens one request may generate.
        basis_file: Where the basis came from (for /health), if a file was given.
        pool: The pool that made ``worker``, closed with the service (else the worker is).
    """

    def __init__(
        self,
        lm: LocalModel,
        basis: TraitBasis,
        worker: GenerationWorker,
        *,
        name: str,
        compose: Compose = "linear",
        position: SteeringPosition = "all",
        max_tokens: int = 1024,
        basis_file: Path | None = None,
        definitions: dict[str, TraitDefinition] | None = None,
        pool: ModelPool | None = None,
    ) -> None:
        self.lm = lm
        self.basis = basis
        self.worker = worker
        self.name = name
        self.compose: Compose = compose
        self.position: SteeringPosition = position
        self.max_tokens = max_tokens
        self.basis_file = basis_file
        self.definitions = definitions if definitions is not None else load_definitions()
        self.basis_sha256 = basis_sha256(basis)
        self.in_flight = 0
        self.served = 0
        self.abandoned = 0
        self._pool = pool
        # Rendering and tokenising a long conversation takes a while; off the event loop,
        # one at a time (a tokenizer is not meant to be shared by threads).
        self._prompts = ThreadPoolExecutor(max_workers=1, thread_name_prefix="serve-prompt")

    # -- request pieces -------------------------------------------------------------------

    def serves(self, model: str) -> bool:
        return model in (self.name, self.lm.model_id) or (
            is_embedded(model) and is_embedded(self.name)
        )

    def steering(self, raw: dict[str, Any] | None) -> dict[int, torch.Tensor]:
        """Block -> vector for a trait dict (empty for none, ``{}`` or all-neutral)."""
        if not raw:
            return {}
        try:
            parsed = parse_trait_dict(
                raw, label="request", source="trait_dict", definitions=self.definitions
            )
        except UserError as exc:
            raise BadRequest(str(exc), param="trait_dict") from None
        missing = [t for t in parsed.active() if t not in self.basis.vectors]
        if missing:
            raise BadRequest(
                f"trait_dict: this server's basis has no direction for {', '.join(missing)}; "
                f"it serves {', '.join(sorted(self.basis.vectors))}",
                param="trait_dict",
            )
        if len(self.basis._cache) >= STEERING_CACHE:
            self.basis._cache.clear()
        return self.basis.steering(parsed.intensities, self.compose)

    def check_max_tokens(self, max_tokens: int) -> None:
        if max_tokens > self.max_tokens:
            raise BadRequest(
                f"max_tokens {max_tokens} is over this server's limit of {self.max_tokens} "
                f"(its --max-tokens); ask for at most {self.max_tokens}",
                param="max_tokens",
            )

    def prompt_ids(
        self, messages: list[dict[str, str]], max_tokens: int | None, *, fit: bool
    ) -> tuple[list[int], int]:
        """The prompt's token ids and the tokens to generate.

        ``fit``: drop the oldest turns when the conversation outgrows the context, as the
        in-process steered user does; otherwise an overflow is the client's to fix.
        ``max_tokens`` None: as many as the server's limit and the context allow.
        """
        context = self.lm.context_length
        if fit:
            wanted = self.max_tokens if max_tokens is None else max_tokens
            try:
                return fit_prompt(self.lm, messages, wanted), wanted
            except PromptTooLong as exc:
                raise BadRequest(
                    f"{exc}; send a shorter system prompt or message, or a lower max_tokens",
                    param="messages",
                    code="context_length_exceeded",
                ) from None
        ids = encode_prompt(self.lm.tokenizer, render_prompt(self.lm.tokenizer, messages))
        wanted = min(self.max_tokens, context - len(ids)) if max_tokens is None else max_tokens
        if wanted < 1 or len(ids) + wanted > context:
            raise BadRequest(
                f"the conversation ({len(ids)} tokens) plus max_tokens {max(wanted, 1)} exceed "
                f"the model's {context}-token context; send fewer messages or a lower "
                "max_tokens (/steer drops the oldest turns itself)",
                param="messages",
                code="context_length_exceeded",
            )
        return ids, wanted

    # -- generation -----------------------------------------------------------------------

    async def complete(
        self,
        messages: list[dict[str, str]],
        *,
        trait_dict: dict[str, Any] | None,
        temperature: float,
        top_p: float,
        max_tokens: int | None,
        seed: int | None,
        stops: tuple[str, ...] = (),
        fit: bool = False,
    ) -> Reply:
        """Generate the next message; see the module docstring.

        Raises:
            BadRequest: the request is invalid (nothing was queued).
            GenerationFailed: the model failed.
            asyncio.CancelledError: the caller went away; its batch rows were freed.
        """
        if max_tokens is not None:
            self.check_max_tokens(max_tokens)
        steering = self.steering(trait_dict)
        ids, wanted = await asyncio.get_running_loop().run_in_executor(
            self._prompts, partial(self.prompt_ids, messages, max_tokens, fit=fit)
        )
        if seed is None:
            seed = secrets.randbelow(2**32)
        request = GenerationRequest(
            prompt_ids=ids,
            max_new_tokens=wanted,
            temperature=temperature,
            top_p=top_p,
            seed=seed,
            steering=steering,
            stop_strings=stops,
        )
        self.in_flight += 1
        try:
            result = await self.worker.generate(request)
        except asyncio.CancelledError:
            self.abandoned += 1
            raise
        except Exception as exc:
            raise GenerationFailed(f"generation failed: {type(exc).__name__}: {exc}") from exc
        finally:
            self.in_flight -= 1
        self.served += 1
        return Reply(
            text=result.text,
            finish_reason=result.finish_reason,
            seed=seed,
            prompt_tokens=result.prompt_tokens,
            completion_tokens=result.completion_tokens,
        )

    # -- description ----------------------------------------------------------------------

    def basis_summary(self) -> dict[str, Any]:
        traits = {}
        for trait in sorted(self.basis.vectors):
            cal = self.basis.calibration(trait)
            traits[trait] = {
                "blocks": cal.blocks,
                "medium": cal.medium,
                "high": cal.high,
                "calibration": cal.source,
            }
        return {
            "sha256": self.basis_sha256,
            "file": str(self.basis_file) if self.basis_file else None,
            "pooling": self.basis.meta.pooling,
            "compose": self.compose,
            "position": self.position,
            "chat_template_sha256": self.basis.meta.chat_template_sha256,
            "traits": traits,
        }

    def health(self) -> Health:
        return Health(
            version=__version__,
            model={
                "name": self.name,
                "id": self.lm.model_id,
                "fingerprint": self.lm.fingerprint,
                "device": str(self.lm.device),
                "dtype": str(self.lm.dtype),
                "context_length": self.lm.context_length,
            },
            basis=self.basis_summary(),
            traits=sorted(self.basis.vectors),
            queue_depth=self.in_flight,
            batch_size=self.worker.max_batch_size,
            max_tokens=self.max_tokens,
            requests=self.served,
            abandoned=self.abandoned,
        )

    def close(self) -> None:
        self._prompts.shutdown(wait=False, cancel_futures=True)
        if self._pool is not None:
            self._pool.close()
        else:
            self.worker.close()


def load_service(config: ServeConfig, console: Console | None = None) -> SteeringService:
    """Load the model and its basis (every defined trait) and start its worker."""
    console = console or Console(stderr=True)
    if is_embedded(config.user_model):
        console.print("[dim]loading the embedded model (the first time converts it, ~20 s)[/dim]")
    lm = load_local_model(config.user_model, device=config.device, dtype=config.dtype)
    definitions = load_definitions()
    if config.basis is not None:
        basis = TraitBasis.load(config.basis)
        basis.check_model(lm)
    else:
        console.print(
            "[dim]loading the trait basis (traits not extracted yet for this model are "
            "extracted once and cached)[/dim]"
        )
        basis = model_basis(lm, list(definitions.values()), pooling=config.pooling)
    pool = ModelPool(
        PoolSettings(
            device=config.device,
            dtype=config.dtype,
            max_batch_size=config.max_batch_size,
            position=config.steering_position,
            prefix_cache_mb=config.prefix_cache_mb,
        )
    )
    return SteeringService(
        lm,
        basis,
        pool.worker(lm),
        name=config.user_model,
        compose=config.compose,
        position=config.steering_position,
        max_tokens=config.max_tokens,
        basis_file=config.basis,
        definitions=definitions,
        pool=pool,
    )
