"""`tautrait serve` over real HTTP: the seed's steer protocol, the OpenAI API, the guard."""

import json
import threading
from typing import Any

import httpx
import pytest

from tautrait.local.chat import encode_prompt, render_prompt
from tautrait.local.generation import GenerationRequest, generate_batch
from tautrait.records import STOP_MARKER
from tautrait.serve.service import SteeringService
from tautrait.steering.basis import TraitBasis
from tautrait.steering.traits import parse_trait_dict
from tests.serve.conftest import KEY
from tests.serving import ServerThread
from tests.tiny import tiny_model

SYSTEM = "You are a customer. Your order W1 arrived broken and you want a refund."
MESSAGES = [
    {"role": "system", "content": SYSTEM},
    {"role": "user", "content": "Hi! How can I help you today?"},
]
LATER = [
    *MESSAGES,
    {"role": "assistant", "content": "My kettle is broken."},
    {"role": "user", "content": "Which order is it?"},
]
# (route, trait dict, seed, messages): different traits, seeds and routes at once. The
# seed repository's own dict format (levels as strings, aliases) is the first one.
CASES: list[tuple[str, dict[str, Any], int, list[dict[str, str]]]] = [
    (
        "/steer_bare",
        {"impatience": "low", "confusion": "low", "skeptical": "medium", "incoherence": "low"},
        1,
        MESSAGES,
    ),
    ("/steer_bare", {"impatience": "high"}, 1, MESSAGES),
    ("/steer_bare", {}, 1, MESSAGES),
    ("/steer", {"confused": 1.5, "incoherence": "high"}, 2, LATER),
    ("/steer", {}, 3, LATER),
    ("/steer_bare", {"verbosity": -1}, 4, LATER),
]
SAMPLING = {"temperature": 0.9, "top_p": 0.95, "max_tokens": 40}


def _headers(key: str = KEY) -> dict[str, str]:
    return {"API-Key": key}


def _in_process(
    basis: TraitBasis,
    messages: list[dict[str, str]],
    trait_dict: dict[str, Any],
    seed: int,
    stops: tuple[str, ...] = (),
    **sampling: Any,
) -> str:
    lm = tiny_model()
    steering = {}
    if trait_dict:
        parsed = parse_trait_dict(trait_dict, label="t", source="test")
        steering = basis.steering(parsed.intensities, "linear")
    request = GenerationRequest(
        prompt_ids=encode_prompt(lm.tokenizer, render_prompt(lm.tokenizer, messages)),
        max_new_tokens=sampling["max_tokens"],
        temperature=sampling["temperature"],
        top_p=sampling["top_p"],
        seed=seed,
        steering=steering,
        stop_strings=stops,
    )
    return generate_batch(lm, [request])[0].text


@pytest.fixture(scope="module")
def expected(tiny_basis: TraitBasis) -> list[str]:
    """In-process texts, computed before the server decodes anything."""
    return [
        _in_process(tiny_basis, m, t, s, (STOP_MARKER,) if route == "/steer" else (), **SAMPLING)
        for route, t, s, m in CASES
    ]


def test_concurrent_clients_get_the_in_process_texts(
    expected: list[str], tiny_server: tuple[ServerThread, SteeringService]
) -> None:
    server, service = tiny_server
    # The steering is real: same seed and messages, other traits, other text.
    assert len({expected[0], expected[1], expected[2]}) == 3
    steps_before = service.worker.stats.decode_steps
    rows_before = service.worker.stats.row_steps
    barrier = threading.Barrier(len(CASES))
    answers: list[dict[str, Any] | None] = [None] * len(CASES)

    def client(i: int) -> None:
        route, traits, seed, messages = CASES[i]
        barrier.wait()
        response = httpx.post(
            server.url + route,
            headers=_headers(),
            json={"trait_dict": traits, "messages": messages, "seed": seed, **SAMPLING},
            timeout=60,
        )
        assert response.status_code == 200, response.text
        answers[i] = response.json()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(len(CASES))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [a["response"] if a else None for a in answers] == expected
    assert all(a is not None and a["model"] == "tiny" for a in answers)
    assert [a["seed"] for a in answers if a] == [c[2] for c in CASES]
    # One worker batched the clients together.
    steps = service.worker.stats.decode_steps - steps_before
    rows = service.worker.stats.row_steps - rows_before
    assert rows / steps > 1.5


def test_the_openai_client_gets_the_in_process_text(
    tiny_basis: TraitBasis, tiny_server: tuple[ServerThread, SteeringService]
) -> None:
    import openai

    server, _ = tiny_server
    client = openai.OpenAI(base_url=server.url + "/v1", api_key=KEY, max_retries=0)
    assert [m.id for m in client.models.list().data] == ["tiny"]
    traits = {"impatience": "high", "skeptical": 0.5}
    completion = client.chat.completions.create(
        model="tiny",
        messages=MESSAGES,  # type: ignore[arg-type]
        seed=5,
        extra_body={"trait_dict": traits},
        **SAMPLING,
    )
    assert completion.choices[0].message.content == _in_process(
        tiny_basis, MESSAGES, traits, 5, **SAMPLING
    )
    assert completion.system_fingerprint and completion.system_fingerprint.startswith("tautrait-")
    assert completion.usage is not None and completion.usage.completion_tokens > 0
    # The same seed gives the same text; no trait dict is the unsteered model.
    again = client.chat.completions.create(
        model="tiny",
        messages=MESSAGES,  # type: ignore[arg-type]
        seed=5,
        extra_body={"trait_dict": traits},
        **SAMPLING,
    )
    assert again.choices[0].message.content == completion.choices[0].message.content
    plain = client.chat.completions.create(
        model="tiny",
        messages=MESSAGES,  # type: ignore[arg-type]
        seed=5,
        **SAMPLING,
    )
    assert plain.choices[0].message.content == _in_process(tiny_basis, MESSAGES, {}, 5, **SAMPLING)
    with pytest.raises(openai.AuthenticationError):
        openai.OpenAI(base_url=server.url + "/v1", api_key="nope", max_retries=0).models.list()


def test_openai_stop_sequences_are_cut_from_the_text(
    tiny_server: tuple[ServerThread, SteeringService],
) -> None:
    server, _ = tiny_server
    body = {"model": "tiny", "messages": MESSAGES, "seed": 9, **SAMPLING}
    full = httpx.post(server.url + "/v1/chat/completions", headers=_headers(), json=body).json()
    text = full["choices"][0]["message"]["content"]
    stop = text[5:7]
    cut = httpx.post(
        server.url + "/v1/chat/completions", headers=_headers(), json={**body, "stop": [stop]}
    ).json()
    assert cut["choices"][0]["message"]["content"] == text[: text.index(stop)]
    assert cut["choices"][0]["finish_reason"] == "stop"


def test_health_reports_model_basis_queue_and_batch(
    tiny_server: tuple[ServerThread, SteeringService],
) -> None:
    server, service = tiny_server
    health = httpx.get(server.url + "/health", headers=_headers()).json()
    assert health["server"] == "tautrait" and health["status"] == "ok"
    assert health["model"]["name"] == "tiny" and health["model"]["fingerprint"] == "tiny-4-32-0"
    assert health["basis"]["sha256"] == service.basis_sha256
    assert health["basis"]["traits"]["impatience"] == {
        "blocks": [2],
        "medium": 0.3,
        "high": 0.5,
        "calibration": "default",
    }
    assert "skepticism" in health["traits"] and len(health["traits"]) >= 8
    assert health["queue_depth"] == 0 and health["batch_size"] == 8
    assert health["max_tokens"] == 200


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({}, 401),
        ({"API-Key": "wrong"}, 401),
        ({"Authorization": "Bearer wrong"}, 401),
        ({"Authorization": f"Basic {KEY}"}, 401),
        ({"API-Key": KEY}, 200),
        ({"Authorization": f"Bearer {KEY}"}, 200),
    ],
)
def test_the_api_key_is_required_on_every_route(
    tiny_server: tuple[ServerThread, SteeringService], headers: dict[str, str], status: int
) -> None:
    server, _ = tiny_server
    body = {"messages": MESSAGES, "max_tokens": 2, "seed": 1}
    for method, route in (("GET", "/health"), ("GET", "/v1/models"), ("POST", "/steer_bare")):
        response = httpx.request(method, server.url + route, headers=headers, json=body)
        assert response.status_code == status, (route, response.text)
        if status == 401:
            error = response.json()["error"]
            assert error["type"] == "authentication_error" and "API-Key" in error["message"]
            assert KEY not in response.text


def _steer(**overrides: Any) -> dict[str, Any]:
    return {"messages": MESSAGES, "max_tokens": 4, "seed": 1, **overrides}


# (route, body or raw bytes, extra headers, status, fragment of the error message)
BAD: list[tuple[str, Any, dict[str, str], int, str]] = [
    ("/steer_bare", _steer(trait_dict={"grumpiness": "high"}), {}, 400, "unknown trait"),
    ("/steer_bare", _steer(trait_dict={"impatience": "extreme"}), {}, 400, "use low, medium"),
    ("/steer_bare", _steer(trait_dict={"impatience": True}), {}, 400, "must be low, medium"),
    ("/steer_bare", _steer(trait_dict={"impatience": "inf"}), {}, 400, "finite number"),
    ("/steer_bare", _steer(trait_dict={"impatience": 1e6}), {}, 400, "far beyond the calibrated"),
    ("/steer_bare", _steer(trait_dict={"impatience": "x", "a": 1}), {}, 400, "trait"),
    (
        "/steer_bare",
        b'{"messages": [{"role": "user", "content": "hi"}], "trait_dict": {"impatience": NaN}}',
        {"Content-Type": "application/json"},
        400,
        "finite number",
    ),
    (
        "/steer_bare",
        b'{"messages": [{"role": "user", "content": "hi"}], "temperature": Infinity}',
        {"Content-Type": "application/json"},
        400,
        "temperature must be a finite number",
    ),
    ("/steer_bare", _steer(max_tokens=201), {}, 400, "ask for at most 200"),
    ("/steer_bare", _steer(max_tokens=0), {}, 400, "max_tokens"),
    ("/steer_bare", _steer(temperature=-1), {}, 400, "temperature"),
    ("/steer_bare", _steer(seed=-3), {}, 400, "seed"),
    ("/steer_bare", _steer(messages=[]), {}, 400, "messages"),
    ("/steer_bare", _steer(messages=[{"role": "tool", "content": "x"}]), {}, 400, "role"),
    ("/steer_bare", {"max_tokens": 3}, {}, 400, "messages is required"),
    (
        "/steer_bare",
        b'{"messages": [',
        {"Content-Type": "application/json"},
        400,
        "not valid JSON",
    ),
    (
        "/steer_bare",
        b"messages=hi",
        {"Content-Type": "application/x-www-form-urlencoded"},
        400,
        "Content-Type: application/json",
    ),
    (
        "/steer_bare",
        _steer(messages=[{"role": "user", "content": "x" * 3000}]),
        {},
        400,
        "context",
    ),
    ("/steer_bare", _steer(messages=[{"role": "user", "content": "x" * 70000}]), {}, 413, "limit"),
    ("/v1/chat/completions", {**_steer(), "model": "tiny", "stream": True}, {}, 400, "stream"),
    ("/v1/chat/completions", {**_steer(), "model": "tiny", "n": 2}, {}, 400, "n must be 1"),
    ("/v1/chat/completions", {**_steer(), "model": "tiny", "tools": [{}]}, {}, 400, "tools"),
    ("/v1/chat/completions", {**_steer(), "model": "gpt-4o"}, {}, 404, "serves 'tiny'"),
    ("/v1/chat/completions", _steer(), {}, 400, "model is required"),
    ("/nowhere", _steer(), {}, 404, "POST /steer"),
]


@pytest.mark.parametrize(("route", "body", "headers", "status", "fragment"), BAD)
def test_bad_requests_get_a_4xx_naming_the_fix(
    tiny_server: tuple[ServerThread, SteeringService],
    route: str,
    body: Any,
    headers: dict[str, str],
    status: int,
    fragment: str,
) -> None:
    server, service = tiny_server
    before = service.worker.stats.requests
    kwargs: dict[str, Any] = (
        {"content": body} if isinstance(body, bytes) else {"content": json.dumps(body)}
    )
    response = httpx.post(
        server.url + route,
        headers={"Content-Type": "application/json", **_headers(), **headers},
        **kwargs,
    )
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert fragment in error["message"], error
    assert "\n" not in error["message"] and error["type"]
    # Nothing reached the model, and the server still answers.
    assert service.worker.stats.requests == before
    ok = httpx.post(server.url + "/steer_bare", headers=_headers(), json=_steer())
    assert ok.status_code == 200 and isinstance(ok.json()["response"], str)


def test_a_chunked_body_over_the_limit_is_refused(
    tiny_server: tuple[ServerThread, SteeringService],
) -> None:
    server, _ = tiny_server

    def chunks() -> Any:
        yield b'{"messages": [{"role": "user", "content": "'
        for _ in range(100):
            yield b"y" * 1024
        yield b'"}]}'

    response = httpx.post(
        server.url + "/steer_bare",
        headers={"Content-Type": "application/json", **_headers()},
        content=chunks(),
    )
    assert response.status_code == 413 and "--max-body-bytes" in response.json()["error"]["message"]


def test_steer_drops_old_turns_where_steer_bare_refuses(
    tiny_basis: TraitBasis, tiny_server: tuple[ServerThread, SteeringService]
) -> None:
    """/steer cuts an outgrown conversation exactly as the in-process steered user does."""
    from tautrait.user.steered import fit_prompt

    server, _ = tiny_server
    long = [
        {"role": "system", "content": SYSTEM},
        {"role": "user", "content": "a" * 1500},
        {"role": "assistant", "content": "b" * 1000},
        {"role": "user", "content": "Which order is it?"},
    ]
    body = {"messages": long, "seed": 3, **SAMPLING}
    bare = httpx.post(server.url + "/steer_bare", headers=_headers(), json=body)
    assert bare.status_code == 400 and bare.json()["error"]["code"] == "context_length_exceeded"
    steer = httpx.post(server.url + "/steer", headers=_headers(), json=body)
    assert steer.status_code == 200, steer.text
    lm = tiny_model()
    ids = fit_prompt(lm, long, SAMPLING["max_tokens"])
    assert ids == encode_prompt(lm.tokenizer, render_prompt(lm.tokenizer, [long[0], long[3]]))
    assert steer.json()["prompt_tokens"] == len(ids)
    assert steer.json()["response"] == _in_process(
        tiny_basis, [long[0], long[3]], {}, 3, (STOP_MARKER,), **SAMPLING
    )
