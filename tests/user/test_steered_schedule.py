"""The steered user applies turn t's steering of a schedule to its t-th message."""

import asyncio
from typing import Any

import torch

from tautrait.local.request import GenerationRequest, GenerationResult
from tautrait.user.base import Utterance
from tautrait.user.steered import SteeredUser
from tests.tiny import tiny_model


class _Recorder:
    """A generation worker that records each request's steering and answers at once."""

    def __init__(self) -> None:
        self.lm = tiny_model()
        self.requests: list[GenerationRequest] = []

    async def generate(self, request: GenerationRequest) -> GenerationResult:
        self.requests.append(request)
        return GenerationResult(
            token_ids=[1], text="ok", prompt_tokens=3, completion_tokens=1, finish_reason="stop"
        )


def _user(worker: Any, **kw: Any) -> SteeredUser:
    return SteeredUser(
        worker,
        "You are a customer.",
        kw.pop("steering", {}),
        seed=1,
        temperature=0.7,
        top_p=0.95,
        max_tokens=8,
        **kw,
    )


def _play(user: SteeredUser, turns: int) -> list[Any]:
    transcript = [Utterance("agent", "Hi!")]
    replies = []
    for _ in range(turns):
        reply = asyncio.run(user.reply(transcript))
        replies.append(reply)
        transcript += [Utterance("user", reply.text), Utterance("agent", "Go on.")]
    return replies


def test_each_user_turn_gets_its_scheduled_vector_then_the_last_holds() -> None:
    v = torch.ones(32)
    schedule = [{}, {2: 0.5 * v}, {2: v}]
    intensities = [{"impatience": 0.0}, {"impatience": 0.5}, {"impatience": 1.0}]
    worker = _Recorder()
    replies = _play(
        _user(worker, steering={2: 9 * v}, turn_steering=schedule, turn_intensities=intensities),
        5,
    )
    used = [r.steering for r in worker.requests]
    assert used[0] == {}
    assert torch.equal(used[1][2], 0.5 * v)
    assert all(torch.equal(u[2], v) for u in used[2:])  # held, never the flat vector
    assert [r.intensities for r in replies] == intensities + [intensities[-1]] * 2


def test_without_a_schedule_every_turn_uses_the_flat_vector() -> None:
    v = torch.ones(32)
    worker = _Recorder()
    replies = _play(_user(worker, steering={2: v}), 3)
    assert all(torch.equal(r.steering[2], v) for r in worker.requests)
    assert all(r.intensities is None for r in replies)
