from collections.abc import Iterator

import pytest
import torch

from tautrait.local.generation import GenerationWorker
from tautrait.serve.app import create_app
from tautrait.serve.service import SteeringService
from tautrait.serve.settings import ServeConfig
from tautrait.steering.basis import BasisMeta, TraitBasis, chat_template_hash
from tautrait.steering.traits import load_definitions
from tests.serving import ServerThread
from tests.tiny import tiny_model

KEY = "test-key-0123"


@pytest.fixture(scope="session")
def tiny_basis() -> TraitBasis:
    """A random direction per defined trait for the tiny model (default calibration):
    the serving maths does not care what the directions mean, and extracting eight
    traits would cost the suite seconds."""
    lm = tiny_model()
    generator = torch.Generator().manual_seed(0)
    traits = sorted(load_definitions())
    meta = BasisMeta(
        model_id=lm.model_id,
        model_fingerprint=lm.fingerprint,
        num_layers=lm.num_layers,
        hidden_size=lm.hidden_size,
        pooling="reply",
        chat_template_sha256=chat_template_hash(lm),
        traits={t: {"pairs": 0, "block_norms": [4.0] * lm.num_layers} for t in traits},
    )
    vectors = {t: torch.randn(lm.num_layers, lm.hidden_size, generator=generator) for t in traits}
    return TraitBasis(vectors=vectors, meta=meta)


@pytest.fixture(scope="module")
def tiny_server(tiny_basis: TraitBasis) -> Iterator[tuple[ServerThread, SteeringService]]:
    """The tiny model served with an API key and a 200-token limit."""
    lm = tiny_model()
    service = SteeringService(
        lm, tiny_basis, GenerationWorker(lm, max_batch_size=8), name="tiny", max_tokens=200
    )
    config = ServeConfig(api_key=KEY, max_tokens=200, max_body_bytes=64 * 1024)
    try:
        with ServerThread(create_app(service, config)) as server:
            yield server, service
    finally:
        service.close()
