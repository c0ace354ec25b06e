"""The tool-calling agent: the domain policy as system prompt, the tools as functions.

The agent is stateless: the episode owns the message history (OpenAI format) and asks
the agent for its next message. Every model goes through :func:`tautrait.llm.complete`,
hosted or local, so retries and error classification are the same for all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from tautrait.domain.loader import Domain
from tautrait.domain.tasks import Task
from tautrait.llm import Completion, RetryPolicy, complete


class Agent(Protocol):
    """What the episode needs of an agent."""

    def system_message(self) -> dict[str, Any]: ...

    async def act(self, messages: list[dict[str, Any]]) -> Completion: ...


@dataclass
class AgentSettings:
    model: str
    api_base: str | None = None
    temperature: float = 0.0
    max_tokens: int | None = None
    retry: RetryPolicy = field(default_factory=RetryPolicy)


class ToolCallingAgent:
    """A litellm model with the domain's tools (see the module docstring)."""

    def __init__(self, settings: AgentSettings, domain: Domain, task: Task, seed: int) -> None:
        self.settings = settings
        self.domain = domain
        self.task = task
        self.seed = seed
        self.tools = [spec.schema() for spec in domain.spec.tools]
        # Only the scripted provider reads the task; built once, not on every call.
        self.metadata: dict[str, Any] | None = None
        if settings.model.startswith("scripted/"):
            self.metadata = {
                "task": task.model_dump(),
                "ending_tools": [t.name for t in domain.spec.tools if t.ends_episode],
            }

    def system_message(self) -> dict[str, Any]:
        return {"role": "system", "content": self.domain.policy}

    async def act(self, messages: list[dict[str, Any]]) -> Completion:
        s = self.settings
        return await complete(
            s.model,
            messages,
            tools=self.tools,
            temperature=s.temperature,
            seed=self.seed,
            max_tokens=s.max_tokens,
            api_base=s.api_base,
            retry=s.retry,
            metadata=self.metadata,
        )
