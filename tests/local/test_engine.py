"""Which engine a model gets."""

from dataclasses import replace

import pytest
import torch

from tautrait.local.engine import Engine, EngineOptions, resolve_engine
from tests.tiny import tiny_model


def test_cpu_keeps_the_eager_path_and_cuda_gets_slots_and_graphs() -> None:
    cpu = tiny_model()
    assert resolve_engine(None, cpu) == Engine("growing", "eager", "exact")
    # Only the device is read: no GPU is needed to check the choice.
    gpu = replace(cpu, device=torch.device("cuda"))
    assert resolve_engine(None, gpu) == Engine("slots", "cuda-graphs", "device")
    assert resolve_engine(EngineOptions(step="eager"), gpu) == Engine("slots", "eager", "device")
    assert resolve_engine(EngineOptions(kv="slots"), cpu) == Engine("slots", "eager", "exact")


def test_models_the_slots_cannot_serve_fall_back_or_are_refused() -> None:
    gpu = replace(tiny_model(), device=torch.device("cuda"), adapters=("skeptic",))
    assert resolve_engine(None, gpu).kv == "growing"
    with pytest.raises(ValueError, match="LoRA adapters"):
        resolve_engine(EngineOptions(kv="slots"), gpu)
    with pytest.raises(ValueError, match="needs a CUDA device"):
        resolve_engine(EngineOptions(kv="slots", step="cuda-graphs"), tiny_model())
    with pytest.raises(ValueError, match="needs the slot KV cache"):
        resolve_engine(EngineOptions(kv="growing", step="compile"), tiny_model())
