"""The steered user: a local transformers model with trait vectors added to its hidden
states (TraitBasis). The baseline arm is the same simulator with no vectors.

With ``experts`` instead of ``steering`` it is the mTAD user (seed paper 001): each turn
is decoded from a weighted mixture of trait experts' next-token distributions, the
experts being batch rows of the same model under different steering."""

from __future__ import annotations

import time

import torch

from tautrait.errors import InfraError
from tautrait.local.chat import encode_prompt, render_prompt
from tautrait.local.generation import Expert, GenerationRequest, GenerationWorker
from tautrait.local.models import LocalModel
from tautrait.steering.expression import ExpressionProbe
from tautrait.user.base import (
    STOP_MARKER,
    UserReply,
    Utterance,
    simulator_messages,
    split_stop,
    turn_seed,
    user_turn,
)


class PromptTooLong(ValueError):
    """Even the system prompt and the latest message do not fit the model's context."""


def fit_prompt(lm: LocalModel, messages: list[dict[str, str]], max_tokens: int) -> list[int]:
    """Token ids of ``messages`` leaving ``max_tokens`` of the context free, dropping the
    oldest turns after the system prompt (two at a time, so roles keep alternating) when
    the conversation outgrows it; the latest message is always kept.

    The cut is the first of those that fits, found by bisection (a prompt only shrinks as
    turns are dropped), so a long conversation costs a few encodings, not one per turn.
    The steered user and ``tautrait serve``'s ``/steer`` share it, so a conversation
    played through the server is cut exactly where the in-process simulator cuts it.

    Raises:
        PromptTooLong: the system prompt and the latest message alone do not fit.
    """
    head = messages[:1] if messages and messages[0]["role"] == "system" else []
    turns = messages[len(head) :]
    budget = lm.context_length - max_tokens
    starts = [0]
    while starts[-1] < len(turns) - 1:
        last = starts[-1]
        starts.append(last + 2 if last + 2 < len(turns) else last + 1)
    encoded: dict[int, list[int]] = {}

    def ids(i: int) -> list[int]:
        if i not in encoded:
            text = render_prompt(lm.tokenizer, head + turns[starts[i] :])
            encoded[i] = encode_prompt(lm.tokenizer, text)
        return encoded[i]

    low, high = 0, len(starts) - 1
    if len(ids(low)) <= budget:
        return ids(low)
    if len(ids(high)) > budget:
        raise PromptTooLong(
            f"the system prompt and the latest message ({len(ids(high))} tokens) do not "
            f"fit the user model's {lm.context_length}-token context with "
            f"{max_tokens} tokens kept for the reply"
        )
    while high - low > 1:
        middle = (low + high) // 2
        if len(ids(middle)) <= budget:
            high = middle
        else:
            low = middle
    return ids(high)


class SteeredUser:
    """See the module docstring.

    Args:
        worker: The shared generation worker of the user model.
        system_prompt: The rendered scenario.
        steering: Block -> vector to add (empty for the baseline arm).
        seed: The episode's seed; each turn derives its own from it.
        experts: (weight, steering) per mixture expert (mTAD); replaces ``steering``.
        turn_steering: A schedule: block -> vector of each user turn (the last holds for
            later turns); replaces ``steering`` when given.
        turn_intensities: The schedule's trait -> intensity of each user turn, returned
            with each reply.
        probe: The trait directions each turn's expression is measured on (the
            manipulation check); None measures nothing.
    """

    def __init__(
        self,
        worker: GenerationWorker,
        system_prompt: str,
        steering: dict[int, torch.Tensor],
        *,
        seed: int,
        temperature: float,
        top_p: float,
        max_tokens: int,
        experts: list[Expert] | None = None,
        turn_steering: list[dict[int, torch.Tensor]] | None = None,
        turn_intensities: list[dict[str, float]] | None = None,
        probe: ExpressionProbe | None = None,
    ) -> None:
        self.probe = probe
        self.experts = experts or []
        self.turn_steering = turn_steering or []
        self.turn_intensities = turn_intensities or []
        self.worker = worker
        self.system_prompt = system_prompt
        self.steering = steering
        self.seed = seed
        self.temperature = temperature
        self.top_p = top_p
        self.max_tokens = max_tokens

    def prompt_ids(self, transcript: list[Utterance]) -> list[int]:
        """The prompt, dropping the oldest turns if the conversation outgrows the model's
        context (the scenario and the latest messages are always kept)."""
        messages = simulator_messages(self.system_prompt, transcript)
        try:
            return fit_prompt(self.worker.lm, messages, self.max_tokens)
        except PromptTooLong as exc:
            raise InfraError("user_model", str(exc)) from None

    def turn(
        self, transcript: list[Utterance]
    ) -> tuple[dict[int, torch.Tensor], dict[str, float] | None]:
        """The steering of the user turn about to be generated, and its intensities
        (None without a schedule): turn t of the schedule for the user's t-th message,
        counted from the transcript, so a retried turn gets the same."""
        if not self.turn_steering:
            return self.steering, None
        t = min(user_turn(transcript), len(self.turn_steering) - 1)
        return self.turn_steering[t], self.turn_intensities[t] if self.turn_intensities else None

    async def reply(self, transcript: list[Utterance]) -> UserReply:
        steering, intensities = self.turn(transcript)
        request = GenerationRequest(
            prompt_ids=self.prompt_ids(transcript),
            max_new_tokens=self.max_tokens,
            temperature=self.temperature,
            top_p=self.top_p,
            seed=turn_seed(self.seed, len(transcript)),
            steering=steering,
            stop_strings=(STOP_MARKER,),
            experts=self.experts,
            probe=dict(self.probe.directions) if self.probe is not None else {},
        )
        started = time.monotonic()
        try:
            result = await self.worker.generate(request)
        except Exception as exc:
            raise InfraError("user_model", f"user simulator failed: {exc!r}") from exc
        message, stop = split_stop(result.text)
        return UserReply(
            text=message,
            stop=stop,
            raw=result.text,
            prompt_tokens=result.prompt_tokens,
            completion_tokens=result.completion_tokens,
            cost=0.0,
            latency_s=time.monotonic() - started,
            intensities=intensities,
            expression=self.probe.read(result.probe) if self.probe is not None else None,
        )
