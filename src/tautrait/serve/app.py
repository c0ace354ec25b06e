"""The HTTP face of the steered simulator: FastAPI on uvicorn.

Routes (every one behind the API key when the server has one):

- ``POST /steer_bare``: the seed repository's protocol. The model continues
  ``messages`` (the simulator's own conversation: its system prompt, the agent's turns
  as ``user``, its own as ``assistant``) under the trait dict's steering, and nothing is
  added: generation ends at the model's end of turn or ``max_tokens``, and a
  conversation longer than the context is a 400.
- ``POST /steer``: the same request, answered the way tautrait's steered user answers
  in-process: generation also ends at the stop marker ``###STOP###`` (kept at the end
  of the text, so the seed's client and tautrait's both end the conversation on it),
  and a conversation that outgrows the context loses its oldest turns after the system
  prompt. ``--user-strategy steer`` calls this one.
- ``POST /v1/chat/completions`` (OpenAI-compatible; the trait dict rides in the body),
  ``GET /v1/models`` and ``GET /health``.

Bad requests get a 4xx with ``{"error": {"message", "type", "param", "code"}}`` (the
OpenAI shape, so its client shows the message). A client that disconnects before its
answer has its generation cancelled: its batch rows are freed at the next decoding step.
"""

from __future__ import annotations

import asyncio
import hmac
import secrets
import socket
import time
from collections.abc import Awaitable, Callable, Coroutine, MutableMapping
from typing import Any, TypeVar

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from rich.console import Console
from starlette.exceptions import HTTPException

from tautrait import __version__
from tautrait.errors import UserError
from tautrait.records import STOP_MARKER
from tautrait.serve.protocol import (
    AssistantMessage,
    ChatCompletion,
    ChatCompletionRequest,
    Choice,
    ErrorBody,
    ErrorDetail,
    Health,
    ModelCard,
    ModelList,
    SteerRequest,
    SteerResponse,
    Usage,
)
from tautrait.serve.service import BadRequest, GenerationFailed, SteeringService
from tautrait.serve.settings import ServeConfig

T = TypeVar("T")
Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

DEFAULT_STEER_TOKENS = 256
"""max_tokens of a steer request that names none (the seed's client always sends 256)."""
_ERROR_TYPES = {401: "authentication_error", 404: "not_found_error", 413: "request_too_large"}


class ClientGone(Exception):
    """The client disconnected before its answer."""


def error_body(
    status: int, message: str, *, param: str | None = None, code: str | None = None
) -> ErrorBody:
    kind = _ERROR_TYPES.get(status, "invalid_request_error" if status < 500 else "server_error")
    return ErrorBody(error=ErrorDetail(message=message, type=kind, param=param, code=code))


def _json_error(
    status: int, message: str, *, param: str | None = None, code: str | None = None
) -> JSONResponse:
    body = error_body(status, message, param=param, code=code)
    return JSONResponse(body.model_dump(), status_code=status)


class Guard:
    """Checks the API key and bounds the body before any route reads it.

    Args:
        app: The application behind the guard.
        api_key: The key clients must send (``API-Key: KEY`` or ``Authorization: Bearer
            KEY``); None lets every request through.
        max_body_bytes: Larger bodies get a 413, whether announced by Content-Length or
            streamed in chunks.
    """

    def __init__(self, app: ASGIApp, *, api_key: str | None, max_body_bytes: int) -> None:
        self.app = app
        self.api_key = api_key
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        if self.api_key is not None and not self._authorised(headers):
            await _send(
                send,
                401,
                "missing or wrong API key; send it as the API-Key header "
                "(or Authorization: Bearer KEY)",
            )
            return
        limit = self.max_body_bytes
        length = headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > limit):
            await _send(send, 413, _too_large(length, limit))
            return
        received = 0

        async def bounded() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise HTTPException(413, _too_large(f"over {limit}", limit))
            return message

        await self.app(scope, bounded, send)

    def _authorised(self, headers: dict[str, str]) -> bool:
        assert self.api_key is not None
        given = headers.get("api-key")
        if given is None:
            scheme, _, token = headers.get("authorization", "").partition(" ")
            given = token.strip() if scheme.lower() == "bearer" else None
        return given is not None and hmac.compare_digest(given.encode(), self.api_key.encode())


def _too_large(length: str, limit: int) -> str:
    return (
        f"the request body ({length} bytes) is over this server's limit of {limit} bytes "
        "(its --max-body-bytes); send a shorter conversation"
    )


async def _send(send: Send, status: int, message: str) -> None:
    body = error_body(status, message).model_dump_json().encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]
    if status == 401:
        headers.append((b"www-authenticate", b"Bearer"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _disconnected(request: Request) -> None:
    """Returns once the client has gone (the body has been read by then)."""
    while (await request.receive())["type"] != "http.disconnect":
        pass


async def unless_disconnected(request: Request, work: Coroutine[Any, Any, T]) -> T:
    """Run ``work`` unless the client disconnects first; then cancel it (freeing its
    batch rows) and raise :class:`ClientGone`."""
    task = asyncio.ensure_future(work)
    watcher = asyncio.ensure_future(_disconnected(request))
    try:
        await asyncio.wait({task, watcher}, return_when=asyncio.FIRST_COMPLETED)
    except asyncio.CancelledError:  # the server is shutting down
        task.cancel()
        watcher.cancel()
        raise
    watcher.cancel()
    if not task.done():
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        raise ClientGone()
    return task.result()


def validation_message(errors: list[Any]) -> tuple[str, str | None]:
    """One line for the first validation error, and the parameter it concerns."""
    first = errors[0]
    loc = [str(p) for p in first.get("loc", ()) if p != "body"]
    where = ".".join(loc)
    kind = first.get("type", "")
    if kind == "json_invalid":
        reason = (first.get("ctx") or {}).get("error", "invalid JSON")
        return f"the body is not valid JSON ({reason}); send a JSON object", None
    if not where:
        return (
            "the body must be a JSON object sent with Content-Type: application/json",
            None,
        )
    if kind == "missing":
        return f"{where} is required; add it to the body", where
    if kind == "finite_number":
        return f"{where} must be a finite number (not NaN or infinity)", where
    return f"{where}: {first.get('msg', 'invalid')}; fix that field and retry", where


def create_app(service: SteeringService, config: ServeConfig) -> Any:
    """The ASGI application (the guard around FastAPI) serving ``service``."""
    api = FastAPI(
        title="tautrait serve",
        version=__version__,
        docs_url=None,
        redoc_url=None,
        description="The trait-steered user simulator over HTTP.",
    )

    @api.exception_handler(BadRequest)
    async def _bad_request(request: Request, exc: BadRequest) -> JSONResponse:
        return _json_error(exc.status, exc.message, param=exc.param, code=exc.code)

    @api.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        message, param = validation_message(list(exc.errors()))
        return _json_error(400, message, param=param)

    @api.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException) -> JSONResponse:
        message = str(exc.detail)
        if exc.status_code == 404:
            message = (
                f"no route {request.url.path}; this server answers POST /steer, /steer_bare, "
                "/v1/chat/completions and GET /health, /v1/models"
            )
        return _json_error(exc.status_code, message)

    @api.exception_handler(ClientGone)
    async def _gone(request: Request, exc: ClientGone) -> Response:
        return Response(status_code=499)

    @api.exception_handler(GenerationFailed)
    async def _failed(request: Request, exc: GenerationFailed) -> JSONResponse:
        return _json_error(500, str(exc))

    @api.exception_handler(Exception)
    async def _internal(request: Request, exc: Exception) -> JSONResponse:
        return _json_error(500, f"internal error: {type(exc).__name__}: {exc}")

    async def steer(request: Request, body: SteerRequest, *, simulator: bool) -> SteerResponse:
        reply = await unless_disconnected(
            request,
            service.complete(
                body.chat(),
                trait_dict=body.trait_dict,
                temperature=body.temperature,
                top_p=body.top_p,
                max_tokens=body.max_tokens or min(DEFAULT_STEER_TOKENS, service.max_tokens),
                seed=body.seed,
                stops=(STOP_MARKER,) if simulator else (),
                fit=simulator,
            ),
        )
        return SteerResponse(
            response=reply.text,
            finish_reason="stop" if reply.finish_reason == "stop" else "length",
            seed=reply.seed,
            model=service.name,
            prompt_tokens=reply.prompt_tokens,
            completion_tokens=reply.completion_tokens,
        )

    @api.post("/steer", response_model=SteerResponse)
    async def steer_simulator(request: Request, body: SteerRequest) -> SteerResponse:
        """The next simulator message, as tautrait's steered user produces it."""
        return await steer(request, body, simulator=True)

    @api.post("/steer_bare", response_model=SteerResponse)
    async def steer_bare(request: Request, body: SteerRequest) -> SteerResponse:
        """The steered model's continuation of ``messages``, nothing added."""
        return await steer(request, body, simulator=False)

    @api.post("/v1/chat/completions", response_model=ChatCompletion)
    async def chat_completions(request: Request, body: ChatCompletionRequest) -> ChatCompletion:
        """OpenAI-compatible; ``trait_dict`` in the body steers the reply."""
        why = body.unsupported()
        if why is not None:
            raise BadRequest(why)
        if not service.serves(body.model):
            raise BadRequest(
                f"model {body.model!r} is not served here; this server serves "
                f"{service.name!r} (GET /v1/models)",
                param="model",
                status=404,
                code="model_not_found",
            )
        stops = body.stops()
        reply = await unless_disconnected(
            request,
            service.complete(
                body.chat(),
                trait_dict=body.trait_dict,
                temperature=body.temperature,
                top_p=body.top_p,
                max_tokens=body.max_completion_tokens or body.max_tokens,
                seed=body.seed,
                stops=stops,
            ),
        )
        text = reply.text
        cuts = [text.index(s) for s in stops if s in text]
        if cuts:  # OpenAI leaves the stop sequence out of the text
            text = text[: min(cuts)]
        return ChatCompletion(
            id="chatcmpl-" + secrets.token_hex(12),
            created=int(time.time()),
            model=service.name,
            choices=[
                Choice(
                    message=AssistantMessage(content=text),
                    finish_reason="stop" if reply.finish_reason == "stop" else "length",
                )
            ],
            usage=Usage(
                prompt_tokens=reply.prompt_tokens,
                completion_tokens=reply.completion_tokens,
                total_tokens=reply.prompt_tokens + reply.completion_tokens,
            ),
            system_fingerprint="tautrait-" + service.basis_sha256[:12],
            seed=reply.seed,
        )

    started = int(time.time())

    @api.get("/v1/models", response_model=ModelList)
    async def models() -> ModelList:
        return ModelList(data=[ModelCard(id=service.name, created=started)])

    @api.get("/health", response_model=Health)
    async def health() -> Health:
        return service.health()

    key = config.api_key.get_secret_value() if config.api_key is not None else None
    return Guard(api, api_key=key, max_body_bytes=config.max_body_bytes)


def bind_socket(host: str, port: int) -> socket.socket:
    """Listen on ``host:port`` now, so a taken port is a one-line error before the model
    loads."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host.strip("[]"), port))
    except OSError as exc:
        sock.close()
        raise UserError(
            f"cannot listen on {host}:{port} ({exc.strerror}); pick another --port or --host"
        ) from None
    sock.listen(2048)
    sock.setblocking(False)
    return sock


def run_server(config: ServeConfig, console: Console | None = None) -> None:
    """Bind, load the model and serve until interrupted."""
    import uvicorn

    from tautrait.serve.service import load_service

    console = console or Console(stderr=True)
    sock = bind_socket(config.host, config.port)
    service = load_service(config, console)
    port = sock.getsockname()[1]
    health = service.health()
    console.print(
        f"serving [bold]{service.name}[/bold] ({health.model['id']}, {health.model['device']}) "
        f"with {len(health.traits)} traits (basis {service.basis_sha256[:12]}) on "
        f"http://{config.host}:{port}: POST /steer, /steer_bare, /v1/chat/completions; "
        f"GET /health, /v1/models{'' if config.api_key else ' (no API key)'}",
        highlight=False,
        soft_wrap=True,
    )
    uncalibrated = [
        t for t, c in health.basis["traits"].items() if c["calibration"] != "calibrated"
    ]
    if uncalibrated:
        console.print(
            f"[yellow]note:[/yellow] {', '.join(uncalibrated)} not calibrated for this model: "
            "default block and coefficients (run `tautrait traits calibrate` for measured ones)"
        )
    server = uvicorn.Server(
        uvicorn.Config(create_app(service, config), log_level="info", timeout_keep_alive=30)
    )
    try:
        server.run(sockets=[sock])
    finally:
        service.close()
        sock.close()
