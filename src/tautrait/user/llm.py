"""The prompt-only user: any litellm model plays the customer from the scenario alone."""

from __future__ import annotations

from tautrait.llm import RetryPolicy, complete
from tautrait.user.base import UserReply, Utterance, simulator_messages, split_stop, turn_seed


class LLMUser:
    def __init__(
        self,
        model: str,
        system_prompt: str,
        *,
        seed: int,
        temperature: float,
        max_tokens: int,
        api_base: str | None = None,
        retry: RetryPolicy | None = None,
    ) -> None:
        self.model = model
        self.system_prompt = system_prompt
        self.seed = seed
        self.temperature = temperature
        self.max_tokens = max_tokens
        self.api_base = api_base
        self.retry = retry

    async def reply(self, transcript: list[Utterance]) -> UserReply:
        completion = await complete(
            self.model,
            simulator_messages(self.system_prompt, transcript),
            temperature=self.temperature,
            seed=turn_seed(self.seed, len(transcript)),
            max_tokens=self.max_tokens,
            api_base=self.api_base,
            retry=self.retry,
        )
        message, stop = split_stop(completion.content)
        return UserReply(
            text=message,
            stop=stop,
            raw=completion.content,
            prompt_tokens=completion.prompt_tokens,
            completion_tokens=completion.completion_tokens,
            cost=completion.cost,
            latency_s=completion.latency_s,
            retries=completion.retries,
        )
