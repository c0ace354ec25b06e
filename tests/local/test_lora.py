"""LoRA adapters as mTAD experts: per-row adapters in one batch."""

import copy
from pathlib import Path

import pytest
import torch

from tautrait.local.generation import Expert, GenerationRequest, generate_batch
from tautrait.local.models import load_local_model
from tests.tiny import save_tiny_checkpoint, tiny_model

peft = pytest.importorskip("peft")


@pytest.fixture(scope="module")
def checkpoint_with_adapter(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("lora")
    base = save_tiny_checkpoint(folder / "base")
    torch.manual_seed(0)
    config = peft.LoraConfig(
        r=4,
        lora_alpha=16,
        init_lora_weights=False,
        target_modules=["q_proj", "v_proj", "down_proj"],
    )
    model = peft.get_peft_model(copy.deepcopy(tiny_model().model), config)
    model.save_pretrained(folder / "adapter")
    return base, folder / "adapter"


def _ids(lm, text: str) -> list[int]:  # type: ignore[no-untyped-def]
    return list(lm.tokenizer(text, add_special_tokens=False)["input_ids"])


def test_adapter_rows_and_base_rows_share_a_batch(
    checkpoint_with_adapter: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("TAUTRAIT_CACHE_DIR", str(tmp_path))
    base_path, adapter = checkpoint_with_adapter
    plain = load_local_model(str(base_path))
    wrapped = load_local_model(str(base_path), adapters={"impatience": str(adapter)})
    assert wrapped.adapters == ("impatience",) and wrapped is not plain
    prompt = _ids(plain, "the customer writes")
    base_alone = generate_batch(plain, [GenerationRequest(prompt, max_new_tokens=12)])[0]
    with_adapter = generate_batch(
        wrapped,
        [
            GenerationRequest(prompt, max_new_tokens=12, adapter="impatience"),
            GenerationRequest(prompt, max_new_tokens=12),
        ],
    )
    assert with_adapter[1].token_ids == base_alone.token_ids
    assert with_adapter[0].token_ids != base_alone.token_ids
    # A mixture whose whole weight is on the adapter expert is that expert.
    mixed = generate_batch(
        wrapped,
        [
            GenerationRequest(
                prompt, max_new_tokens=12, experts=[Expert(0.0), Expert(1.0, adapter="impatience")]
            )
        ],
    )[0]
    assert mixed.token_ids == with_adapter[0].token_ids
    with pytest.raises(ValueError, match="unknown LoRA adapter"):
        generate_batch(wrapped, [GenerationRequest(prompt, adapter="nope")])
