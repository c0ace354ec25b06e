"""What every simulated user shares: the protocol, the stop marker, the role flip.

The simulator sees the conversation from the customer's side: its system prompt is the
task's scenario, the agent's messages arrive in the *user* role and its own earlier
messages are in the *assistant* role. It ends the conversation by writing the stop marker.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Protocol

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from tautrait.domain.tasks import UserScenario
from tautrait.records import STOP_MARKER

Speaker = Literal["agent", "user"]

_templates = Environment(
    loader=FileSystemLoader(str(Path(__file__).parent / "templates")),
    undefined=StrictUndefined,
    keep_trailing_newline=False,
    autoescape=False,
)


@dataclass
class Utterance:
    speaker: Speaker
    text: str


@dataclass
class UserReply:
    text: str
    """The message without the stop marker."""
    stop: bool
    """The user ended the conversation."""
    raw: str
    """What the simulator produced, verbatim."""
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost: float | None = 0.0
    latency_s: float = 0.0
    retries: dict[str, int] = field(default_factory=dict)
    """Provider calls retried for this reply, by cause."""
    intensities: dict[str, float] | None = None
    """Trait -> intensity (calibrated units) this turn was generated under, when it
    follows a schedule (recorded in the episode's user message); None otherwise."""
    expression: dict[str, float] | None = None
    """Trait -> the turn's expression (:mod:`tautrait.steering.expression`); None when
    the simulator does not measure it."""


class UserSimulator(Protocol):
    """The customer side of an episode."""

    system_prompt: str

    async def reply(self, transcript: list[Utterance]) -> UserReply: ...


def render_system_prompt(scenario: UserScenario, *, company: str, style: str = "") -> str:
    """The simulator's system prompt, identical across arms for one task."""
    return (
        _templates.get_template("simulator.md.j2")
        .render(
            company=company,
            persona=scenario.persona.strip(),
            goal=scenario.goal.strip(),
            known_info=scenario.known_info.strip(),
            withheld=scenario.withheld.strip(),
            style=style.strip(),
            stop_marker=STOP_MARKER,
        )
        .strip()
    )


def simulator_messages(system_prompt: str, transcript: list[Utterance]) -> list[dict[str, str]]:
    """Roles flipped: the agent speaks as "user", the simulated customer as "assistant"."""
    messages = [{"role": "system", "content": system_prompt}]
    for utterance in transcript:
        role = "user" if utterance.speaker == "agent" else "assistant"
        messages.append({"role": role, "content": utterance.text})
    return messages


def split_stop(raw: str) -> tuple[str, bool]:
    stop = STOP_MARKER in raw
    text = raw.replace(STOP_MARKER, "").strip()
    return text, stop


def user_turn(transcript: list[Utterance]) -> int:
    """The 0-based index of the user turn about to be generated."""
    return sum(u.speaker == "user" for u in transcript)


def turn_seed(seed: int, turn: int) -> int:
    """A per-turn seed that depends only on the episode seed and the turn (never the arm)."""
    digest = hashlib.sha256(f"{seed}:{turn}".encode()).digest()
    return int.from_bytes(digest[:4], "big")
