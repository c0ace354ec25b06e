"""The ``local/<model>`` litellm provider: a transformers model in this process.

``local/embedded`` (or ``local/<checkpoint folder>``) goes through exactly the same
``litellm.acompletion`` call as any hosted model, so the agent code has one path. The
request is served by the shared :class:`~tautrait.local.pool.ModelPool`, so a local
agent and a local user simulator on the same model share one loaded copy and one batch
queue. Agent rows are never steered.
"""

from __future__ import annotations

import hashlib
from typing import Any

from litellm import ContextWindowExceededError, CustomLLM
from litellm.types.utils import (
    ChatCompletionMessageToolCall,
    Choices,
    Function,
    Message,
    ModelResponse,
    Usage,
)

from tautrait.local import pool
from tautrait.local.chat import encode_prompt, parse_tool_calls, render_prompt
from tautrait.local.models import load_local_model


class LocalProvider(CustomLLM):
    """litellm custom handler for ``local/<model>``."""

    async def acompletion(
        self, model: str, messages: list[dict[str, Any]], *args: Any, **kwargs: Any
    ) -> ModelResponse:
        # torch and transformers (seconds of imports) only once a local model is asked
        # for: litellm registers this provider in every run, scripted ones included.
        from tautrait.local.generation import GenerationRequest

        params: dict[str, Any] = kwargs.get("optional_params") or {}
        settings = pool.settings()
        lm = load_local_model(model, device=settings.device, dtype=settings.dtype)
        tools = params.get("tools")
        text = render_prompt(lm.tokenizer, messages, tools)
        prompt_ids = encode_prompt(lm.tokenizer, text)
        max_new = int(params.get("max_tokens") or 512)
        if len(prompt_ids) + max_new > lm.context_length:
            raise ContextWindowExceededError(
                message=f"{len(prompt_ids)} prompt tokens + {max_new} to generate exceed "
                f"the {lm.context_length}-token context of {lm.model_id}",
                model=model,
                llm_provider="local",
            )
        request = GenerationRequest(
            prompt_ids=prompt_ids,
            max_new_tokens=max_new,
            temperature=float(params.get("temperature") or 0.0),
            top_p=float(params.get("top_p") or 1.0),
            seed=int(params.get("seed") or 0),
        )
        result = await pool.shared_pool().worker(lm).generate(request)
        content, calls = parse_tool_calls(result.text) if tools else (result.text.strip(), [])
        tool_calls = [
            ChatCompletionMessageToolCall(
                # Deterministic ids keep trajectories reproducible run to run.
                id="call_" + hashlib.sha1(f"{i}:{result.text}".encode()).hexdigest()[:12],
                type="function",
                function=Function(name=c.name, arguments=c.arguments),
            )
            for i, c in enumerate(calls)
        ] or None
        message = Message(content=content or None, tool_calls=tool_calls)
        return ModelResponse(
            model=f"local/{model}",
            choices=[
                Choices(
                    index=0,
                    message=message,
                    finish_reason="tool_calls" if tool_calls else result.finish_reason,
                )
            ],
            usage=Usage(
                prompt_tokens=result.prompt_tokens,
                completion_tokens=result.completion_tokens,
                total_tokens=result.prompt_tokens + result.completion_tokens,
            ),
        )
