"""The wire formats of ``tautrait serve``: the seed repository's steer protocol, the
OpenAI chat-completions subset it serves, ``/health`` and the error body.

Requests ignore fields they do not know (clients send many defaults), but refuse the
ones they cannot honour rather than ignore them (``stream``, ``n`` > 1, tools,
logprobs). Numbers must be finite: NaN and infinity, which Python's JSON reader lets
through, are a 400.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Role = Literal["system", "user", "assistant"]
MAX_SEED = 2**63
MAX_MESSAGES = 4096


class TextPart(BaseModel):
    model_config = ConfigDict(extra="ignore")

    type: Literal["text"]
    text: str


class ChatMessage(BaseModel):
    """One message, seen from the simulator's side: its system prompt, the agent's turns
    as ``user`` and its own earlier turns as ``assistant``."""

    model_config = ConfigDict(extra="ignore")

    role: Role
    content: str | list[TextPart]

    def text(self) -> str:
        if isinstance(self.content, str):
            return self.content
        return "".join(part.text for part in self.content)


class _Request(BaseModel):
    model_config = ConfigDict(extra="ignore", allow_inf_nan=False)

    messages: list[ChatMessage] = Field(min_length=1, max_length=MAX_MESSAGES)
    trait_dict: dict[str, Any] | None = None
    """Trait -> level ("low", "medium", "high") or number (multiples of the calibrated
    "medium"); the seed's files work unchanged. Empty or absent: the unsteered model."""
    top_p: float = Field(1.0, gt=0, le=1)
    seed: int | None = Field(None, ge=0, lt=MAX_SEED)
    """Seeds the sampler; the same seed, messages and traits give the same text. Absent:
    a random one, returned in the response."""

    def chat(self) -> list[dict[str, str]]:
        return [{"role": m.role, "content": m.text()} for m in self.messages]


class SteerRequest(_Request):
    """``POST /steer`` and ``/steer_bare`` (the seed's client sends the first four
    fields; ``top_p`` and ``seed`` are tautrait's extensions)."""

    temperature: float = Field(0.7, ge=0, le=2)
    max_tokens: int | None = Field(None, ge=1)
    """Absent: 256 (what the seed's client sends), or the server's limit if lower."""


class SteerResponse(BaseModel):
    response: str
    """The simulator's next message (``/steer``: cut after the stop marker)."""
    finish_reason: Literal["stop", "length"]
    seed: int
    model: str
    prompt_tokens: int
    completion_tokens: int


class ChatCompletionRequest(_Request):
    """``POST /v1/chat/completions`` (the trait dict rides in the body, e.g. the openai
    client's ``extra_body={"trait_dict": {...}}``)."""

    model: str
    temperature: float = Field(1.0, ge=0, le=2)
    max_tokens: int | None = Field(None, ge=1)
    max_completion_tokens: int | None = Field(None, ge=1)
    stop: str | list[str] | None = None
    n: int = 1
    stream: bool = False
    logprobs: bool | None = None
    tools: list[Any] | None = None

    def unsupported(self) -> str | None:
        """Why this request cannot be served as asked, or None."""
        if self.stream:
            return "stream is not supported; send stream=false"
        if self.n != 1:
            return "n must be 1 (send one request per completion)"
        if self.tools:
            return "tools are not supported: a simulated user does not call tools"
        if self.logprobs:
            return "logprobs are not supported; drop logprobs"
        return None

    def stops(self) -> tuple[str, ...]:
        if self.stop is None:
            return ()
        stops = (self.stop,) if isinstance(self.stop, str) else tuple(self.stop)
        return tuple(s for s in stops if s)


class AssistantMessage(BaseModel):
    role: Literal["assistant"] = "assistant"
    content: str


class Choice(BaseModel):
    index: int = 0
    message: AssistantMessage
    finish_reason: Literal["stop", "length"]
    logprobs: None = None


class Usage(BaseModel):
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int


class ChatCompletion(BaseModel):
    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    model: str
    choices: list[Choice]
    usage: Usage
    system_fingerprint: str
    """The basis in use (``tautrait-`` and its sha256's first 12 hex digits)."""
    seed: int


class ModelCard(BaseModel):
    id: str
    object: Literal["model"] = "model"
    created: int
    owned_by: str = "tautrait"


class ModelList(BaseModel):
    object: Literal["list"] = "list"
    data: list[ModelCard]


class Health(BaseModel):
    """``GET /health``: which simulator answers, and how busy it is."""

    status: Literal["ok"] = "ok"
    server: Literal["tautrait"] = "tautrait"
    version: str
    model: dict[str, Any]
    """name (what clients pass as ``model``), id, fingerprint, device, dtype, context."""
    basis: dict[str, Any]
    """sha256, pooling, compose, position, and per trait its blocks and coefficients."""
    traits: list[str]
    queue_depth: int
    """Requests accepted and not yet answered (waiting or decoding)."""
    batch_size: int
    """The most requests decoded together."""
    max_tokens: int
    requests: int
    """Requests answered since start."""
    abandoned: int
    """Requests whose client went away before the answer (their rows were freed)."""


class ErrorDetail(BaseModel):
    message: str
    type: str
    param: str | None = None
    code: str | None = None


class ErrorBody(BaseModel):
    error: ErrorDetail
