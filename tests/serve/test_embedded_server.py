"""`tautrait serve` on the embedded model, loaded the way the CLI loads it."""

import json
import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tautrait.local.chat import encode_prompt, render_prompt
from tautrait.local.generation import GenerationRequest, generate_batch
from tautrait.records import STOP_MARKER
from tautrait.serve.app import create_app
from tautrait.serve.service import SteeringService, load_service
from tautrait.serve.settings import ServeConfig
from tautrait.steering.traits import parse_trait_dict, ready_dicts
from tests.serving import ServerThread

pytestmark = pytest.mark.slow

KEY = "embedded-test-key"
MESSAGES = [
    {
        "role": "system",
        "content": "You are a customer of an online shop. Your kettle from order W42 "
        f"leaks and you want a refund. Write {STOP_MARKER} when you are done.",
    },
    {"role": "user", "content": "Hi! How can I help you today?"},
]
SAMPLING = {"temperature": 0.7, "top_p": 0.95, "max_tokens": 24}


def _ready(name: str) -> dict[str, Any]:
    return dict(json.loads(ready_dicts()[name].read_text()))


CASES = [(_ready("skeptical.json"), 21), ({"impatience": "high", "confused": "high"}, 21), ({}, 21)]


@pytest.fixture(scope="module")
def embedded() -> Iterator[tuple[SteeringService, list[str]]]:
    service = load_service(ServeConfig(max_tokens=64))
    lm = service.lm
    ids = encode_prompt(lm.tokenizer, render_prompt(lm.tokenizer, MESSAGES))
    expected = []
    for traits, seed in CASES:
        steering = {}
        if traits:
            parsed = parse_trait_dict(traits, label="t", source="test")
            steering = service.basis.steering(parsed.intensities, "linear")
        request = GenerationRequest(
            prompt_ids=ids,
            max_new_tokens=SAMPLING["max_tokens"],
            temperature=SAMPLING["temperature"],
            top_p=SAMPLING["top_p"],
            seed=seed,
            steering=steering,
            stop_strings=(STOP_MARKER,),
        )
        expected.append(generate_batch(lm, [request])[0].text)
    try:
        yield service, expected
    finally:
        service.close()


def test_seed_protocol_clients_get_the_in_process_texts(
    embedded: tuple[SteeringService, list[str]],
) -> None:
    service, expected = embedded
    assert len(set(expected)) == 3  # each trait dict changes the reply
    answers: list[str | None] = [None] * len(CASES)
    with ServerThread(create_app(service, ServeConfig(api_key=KEY))) as server:

        def client(i: int) -> None:
            traits, seed = CASES[i]
            response = httpx.post(
                server.url + "/steer",
                headers={"API-Key": KEY},
                json={"trait_dict": traits, "messages": MESSAGES, "seed": seed, **SAMPLING},
                timeout=300,
            )
            assert response.status_code == 200, response.text
            answers[i] = response.json()["response"]

        threads = [threading.Thread(target=client, args=(i,)) for i in range(len(CASES))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        health = httpx.get(server.url + "/health", headers={"API-Key": KEY}).json()
    assert answers == expected
    assert health["model"]["name"] == "embedded" and health["model"]["id"].startswith(
        "HuggingFaceTB/SmolLM2-135M-Instruct"
    )
    # Every defined trait is served; the paper's four come calibrated with the model.
    assert len(health["traits"]) >= 8
    assert health["basis"]["traits"]["skepticism"]["calibration"] == "calibrated"
