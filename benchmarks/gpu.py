"""How fast tautrait's local engine decodes an 8B Llama on one GPU, steered and not.

Builds a model shaped like Llama-3.1-8B from its config alone (random weights, bf16 on
a GPU: no checkpoint to download or copy), then, for each batch size, prefills prompts
of random tokens and decodes them through tautrait's engine (the worker's code path:
slot KV cache, CUDA graphs and the device sampler on a GPU). It prints a table and, with
``--out``, writes every measurement as JSON.

- prefill tokens/s: the batch's prompt tokens over the wall time of admitting them;
- decoding steps/s: forward steps over the wall time of the decoding loop (sampling
  and bookkeeping included). Every run decodes exactly ``--steps`` steps per row
  (end-of-sequence ignored), so both sides of a comparison do the same work;
- unsteered vs steered: steered rows each get a different random trait vector (norm
  ``--steer-norm`` times the block's typical hidden-state norm) at the middle block.
  Runs alternate A B B A over ``--repeats`` rounds after a warm-up of each; the table
  shows medians with [min-max], and the steered/unsteered ratio per round;
- roofline: batched decoding must read every weight once per step, so the fastest
  possible rate is peak bandwidth / weight bytes. The fraction reached is
  steps/s x weight bytes / peak bandwidth (weights: every parameter but the input
  embedding table, of which a step reads only the batch's rows). The peak comes from
  ``--peak-bandwidth-gbs``, else from the device (2 x memory clock x bus width).

Goals on a GPU (checked and printed): >= 0.5 of the roofline at batch 64, steered >=
0.97 of unsteered. It takes a few minutes on one GPU. ``--tiny`` runs a tiny config on
the CPU in seconds (the test suite does).

    python benchmarks/gpu.py --out gpu.json            # on a CUDA machine
    python benchmarks/gpu.py --tiny                    # anywhere

Needs torch and transformers (and this repository's ``src`` on the path, which the
script adds itself).
"""

from __future__ import annotations

import argparse
import json
import math
import platform
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

LLAMA_8B: dict[str, Any] = {
    "vocab_size": 128256,
    "hidden_size": 4096,
    "intermediate_size": 14336,
    "num_hidden_layers": 32,
    "num_attention_heads": 32,
    "num_key_value_heads": 8,
    "max_position_embeddings": 131072,
    "rms_norm_eps": 1e-5,
    "rope_parameters": {
        "rope_type": "llama3",
        "rope_theta": 500000.0,
        "factor": 8.0,
        "low_freq_factor": 1.0,
        "high_freq_factor": 4.0,
        "original_max_position_embeddings": 8192,
    },
    "tie_word_embeddings": False,
    "bos_token_id": 128000,
    "eos_token_id": [128001, 128008, 128009],
}
TINY: dict[str, Any] = {
    "vocab_size": 512,
    "hidden_size": 64,
    "intermediate_size": 128,
    "num_hidden_layers": 4,
    "num_attention_heads": 4,
    "num_key_value_heads": 2,
    "max_position_embeddings": 4096,
    "tie_word_embeddings": False,
    "eos_token_id": 1,
}


class Failure(Exception):
    """A reason to stop, printed as one line."""


class _Tokenizer:
    """Just what the engine asks of a tokenizer (the prompts are token ids already)."""

    pad_token_id = 0
    eos_token_id = None

    def decode(self, ids: list[int], skip_special_tokens: bool = True) -> str:
        return ""


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tiny", action="store_true", help="a tiny config, on the CPU")
    parser.add_argument("--device", default=None, help="default: cuda, or cpu with --tiny")
    parser.add_argument("--dtype", default=None, help="default: bfloat16 (cuda), float32 (cpu)")
    parser.add_argument("--batches", default="1,8,32,64", help="batch sizes, comma-separated")
    parser.add_argument("--prompt", type=int, default=None, help="prompt tokens (128; tiny 32)")
    parser.add_argument("--steps", type=int, default=None, help="steps a run (128; tiny 32)")
    parser.add_argument("--repeats", type=int, default=5, help="A B B A rounds per batch")
    parser.add_argument("--temperature", type=float, default=0.7, help="0: greedy")
    parser.add_argument(
        "--top-p",
        type=float,
        default=1.0,
        help="nucleus mass (random weights give a flat distribution: below 1 every step "
        "sorts the whole vocabulary, which a trained model's peaked one avoids)",
    )
    parser.add_argument("--steer-norm", type=float, default=0.5)
    parser.add_argument("--kv", default="auto", choices=["auto", "growing", "slots"])
    parser.add_argument(
        "--step", default="auto", choices=["auto", "eager", "cuda-graphs", "compile"]
    )
    parser.add_argument("--sampler", default="auto", choices=["auto", "exact", "device"])
    parser.add_argument("--peak-bandwidth-gbs", type=float, default=None, help="GB/s (1e9)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=None, help="write the results as JSON")
    args = parser.parse_args(argv)
    args.prompt = args.prompt or (32 if args.tiny else 128)
    args.steps = args.steps or (32 if args.tiny else 128)
    try:
        args.batches = [int(b) for b in args.batches.split(",") if b.strip()]
    except ValueError:
        parser.error(f"--batches: comma-separated integers, not {args.batches!r}")
    if not args.batches or min(args.batches) < 1:
        parser.error("--batches: at least one size, each >= 1")
    if args.steps < 2 or args.prompt < 1 or args.repeats < 1:
        parser.error("--steps >= 2, --prompt >= 1, --repeats >= 1")
    if not (args.temperature >= 0 and 0 < args.top_p <= 1):
        parser.error("--temperature >= 0 and 0 < --top-p <= 1")
    return args


@dataclass
class Setup:
    lm: Any
    config: dict[str, Any]
    weight_bytes: int
    peak_bytes_s: float | None
    peak_source: str
    device_name: str


def build(args: argparse.Namespace) -> Setup:
    try:
        import torch
        from transformers import LlamaConfig, LlamaForCausalLM
    except ImportError as exc:
        raise Failure(f"needs torch and transformers: {exc}") from None
    from tautrait.local.models import LocalModel

    device = torch.device(args.device or ("cpu" if args.tiny else "cuda"))
    if device.type == "cuda" and not torch.cuda.is_available():
        raise Failure("no CUDA device visible to torch (run with --tiny, or --device cpu)")
    dtype = getattr(torch, args.dtype or ("bfloat16" if device.type == "cuda" else "float32"))
    if not isinstance(dtype, torch.dtype):
        raise Failure(f"unknown dtype {args.dtype!r}")
    config_dict = dict(TINY if args.tiny else LLAMA_8B)
    config = LlamaConfig(**config_dict)
    config._attn_implementation = "sdpa"
    torch.manual_seed(args.seed)
    previous = torch.get_default_dtype()
    torch.set_default_dtype(dtype)
    try:
        with torch.device(device):
            model = LlamaForCausalLM(config).eval()
    except torch.OutOfMemoryError:
        raise Failure("out of memory building the model (an 8B model needs ~16 GB)") from None
    finally:
        torch.set_default_dtype(previous)
    tied = bool(config_dict.get("tie_word_embeddings"))
    weight_bytes = sum(
        p.numel() * p.element_size()
        for name, p in model.named_parameters()
        if tied or "embed_tokens" not in name
    )
    lm = LocalModel(
        name="llama-8b-shape" if not args.tiny else "tiny",
        model_id="random Llama-3.1-8B-shaped" if not args.tiny else "random tiny Llama",
        checkpoint=Path("."),
        fingerprint="random",
        model=model,
        tokenizer=_Tokenizer(),
        device=device,
        dtype=dtype,
    )
    peak, source = peak_bandwidth(args, device)
    name = torch.cuda.get_device_name(device) if device.type == "cuda" else platform.processor()
    return Setup(lm, config_dict, weight_bytes, peak, source, name or "cpu")


def peak_bandwidth(args: argparse.Namespace, device: Any) -> tuple[float | None, str]:
    import torch

    if args.peak_bandwidth_gbs:
        return args.peak_bandwidth_gbs * 1e9, "--peak-bandwidth-gbs"
    if device.type != "cuda":
        return None, "unknown on a CPU (give --peak-bandwidth-gbs)"
    props = torch.cuda.get_device_properties(device)
    clock_khz = getattr(props, "memory_clock_rate", 0)
    bus_bits = getattr(props, "memory_bus_width", 0)
    if not clock_khz or not bus_bits:
        return None, "not reported by the device (give --peak-bandwidth-gbs)"
    return 2 * clock_khz * 1e3 * bus_bits / 8, "device: 2 x memory clock x bus width"


@dataclass
class Row:
    batch: int
    prefill_tokens_s: list[float] = field(default_factory=list)
    unsteered: list[float] = field(default_factory=list)
    steered: list[float] = field(default_factory=list)
    error: str | None = None


def measure(args: argparse.Namespace, setup: Setup) -> tuple[list[Row], Any]:
    import torch

    from tautrait.local.batch import Batch
    from tautrait.local.engine import EngineOptions, resolve_engine
    from tautrait.local.generation import GenerationRequest, GenerationStats

    lm = setup.lm
    engine = resolve_engine(EngineOptions(kv=args.kv, step=args.step, sampler=args.sampler), lm)
    batch = Batch(lm, "all", None, GenerationStats(), engine, rows_hint=max(args.batches))
    block = lm.num_layers // 2
    generator = torch.Generator().manual_seed(args.seed)
    vocab = lm.model.config.vocab_size
    scale = args.steer_norm * typical_norm(lm, block, generator)
    sampling = {"temperature": args.temperature, "top_p": args.top_p}

    def sync() -> None:
        if lm.device.type == "cuda":
            torch.cuda.synchronize(lm.device)

    def run(size: int, steered: bool) -> tuple[float, float]:
        requests = []
        for i in range(size):
            vec = torch.randn(lm.hidden_size, generator=generator)
            requests.append(
                GenerationRequest(
                    prompt_ids=torch.randint(
                        2, vocab, (args.prompt,), generator=generator
                    ).tolist(),
                    max_new_tokens=args.steps + 1,
                    ignore_eos=True,
                    seed=args.seed + i,
                    steering={block: vec / vec.norm() * scale} if steered else {},
                    **sampling,  # type: ignore[arg-type]
                )
            )
        sync()
        started = time.perf_counter()
        failed = batch.admit(requests, [None] * size)
        sync()
        prefill = time.perf_counter() - started
        if failed:
            raise Failure(f"a request failed: {failed[0].error}")
        steps_before = batch.stats.decode_steps
        started = time.perf_counter()
        while len(batch):
            for group in batch.step():
                if group.error is not None:
                    raise Failure(f"a request failed: {group.error}")
        sync()
        decode = time.perf_counter() - started
        steps = batch.stats.decode_steps - steps_before
        if steps != args.steps:
            raise Failure(f"decoded {steps} steps instead of {args.steps}")
        return size * args.prompt / prefill, steps / decode

    rows = []
    with torch.inference_mode():
        for size in args.batches:
            row = Row(size)
            rows.append(row)
            try:
                run(size, False)  # warm-up: CUDA graphs captured, kernels chosen
                run(size, True)
                for round_ in range(args.repeats):
                    for steered in (False, True) if round_ % 2 == 0 else (True, False):
                        prefill, rate = run(size, steered)
                        (row.steered if steered else row.unsteered).append(rate)
                        if not steered:
                            row.prefill_tokens_s.append(prefill)
            except torch.OutOfMemoryError:
                row.error = "out of memory"
                batch = Batch(lm, "all", None, GenerationStats(), engine, rows_hint=size)
                torch.cuda.empty_cache()
            print(f"  batch {size}: done", file=sys.stderr, flush=True)
    return rows, batch


def typical_norm(lm: Any, block: int, generator: Any) -> float:
    """The median norm of the block's output over a few random tokens (steering is
    scaled relative to it, as calibrated coefficients are)."""
    import torch

    ids = torch.randint(2, lm.model.config.vocab_size, (1, 32), generator=generator)
    with torch.inference_mode():
        out = lm.model(input_ids=ids.to(lm.device), output_hidden_states=True)
    norms = out.hidden_states[block + 1][0].float().norm(dim=-1)
    return float(norms.median())


def summarise(
    args: argparse.Namespace, setup: Setup, rows: list[Row], batch: Any
) -> dict[str, Any]:
    runner = getattr(batch.decoder, "runner", None)
    roofline = setup.peak_bytes_s / setup.weight_bytes if setup.peak_bytes_s else None
    out_rows = []
    for row in rows:
        entry: dict[str, Any] = {"batch": row.batch, "error": row.error}
        if row.unsteered and row.steered:
            ratios = [s / u for s, u in zip(row.steered, row.unsteered, strict=True)]
            unsteered = statistics.median(row.unsteered)
            entry.update(
                prefill_tokens_s=statistics.median(row.prefill_tokens_s),
                unsteered_steps_s=unsteered,
                steered_steps_s=statistics.median(row.steered),
                unsteered_runs=row.unsteered,
                steered_runs=row.steered,
                prefill_runs=row.prefill_tokens_s,
                steered_over_unsteered=statistics.median(ratios),
                ratio_runs=ratios,
                unsteered_tokens_s=unsteered * row.batch,
                roofline_fraction=unsteered / roofline if roofline else None,
            )
        out_rows.append(entry)
    import torch

    return {
        "model": setup.lm.model_id,
        "config": setup.config,
        "device": str(setup.lm.device),
        "device_name": setup.device_name,
        "dtype": str(setup.lm.dtype).removeprefix("torch."),
        "engine": batch.engine.describe(),
        "cuda_graphs": {
            "captures": getattr(runner, "captures", None),
            "failure": getattr(runner, "failure", None),
        },
        "torch": torch.__version__,
        "transformers": __import__("transformers").__version__,
        "weight_bytes": setup.weight_bytes,
        "peak_bandwidth_bytes_s": setup.peak_bytes_s,
        "peak_bandwidth_source": setup.peak_source,
        "roofline_steps_s": roofline,
        "prompt_tokens": args.prompt,
        "decode_steps": args.steps,
        "repeats": args.repeats,
        "sampling": (
            f"temperature {args.temperature}, top-p {args.top_p}" if args.temperature else "greedy"
        ),
        "steer_norm": args.steer_norm,
        "rows": out_rows,
        "goals": goals(out_rows, setup),
    }


def goals(rows: list[dict[str, Any]], setup: Setup) -> dict[str, Any]:
    at = next((r for r in rows if r["batch"] == 64 and r.get("unsteered_steps_s")), None)
    if at is None or setup.lm.device.type != "cuda":
        return {"checked": False, "why": "needs a CUDA device and batch 64"}
    fraction = at.get("roofline_fraction")
    ratio = at["steered_over_unsteered"]
    return {
        "checked": True,
        "roofline_fraction_at_64": fraction,
        "roofline_ok": fraction is not None and fraction >= 0.5,
        "steered_over_unsteered_at_64": ratio,
        "steering_ok": ratio >= 0.97,
    }


def _bytes(count: float) -> str:
    for unit, size in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if count >= size:
            return f"{count / size:.2f} {unit}"
    return f"{count:.0f} B"


def _spread(values: list[float], fmt: str) -> str:
    return f"{statistics.median(values):{fmt}} [{min(values):{fmt}}-{max(values):{fmt}}]"


def render(result: dict[str, Any]) -> str:
    peak = result["peak_bandwidth_bytes_s"]
    roof = result["roofline_steps_s"]
    lines = [
        f"tautrait engine benchmark: {result['model']} on {result['device_name']} "
        f"({result['device']}, {result['dtype']}), {result['engine']}",
        f"weights read per step {_bytes(result['weight_bytes'])}; peak bandwidth "
        + (
            f"{peak / 1e12:.2f} TB/s ({result['peak_bandwidth_source']}); "
            f"roofline {roof:.0f} steps/s"
            if peak
            else result["peak_bandwidth_source"]
        ),
        f"prompt {result['prompt_tokens']} tokens, {result['decode_steps']} decoding steps per "
        f"run (end-of-sequence ignored), {result['sampling']}, {result['repeats']} interleaved "
        "rounds; median [min-max]",
    ]
    graphs = result["cuda_graphs"]
    if graphs["failure"]:
        lines.append(f"CUDA graphs FAILED, decoded eagerly: {graphs['failure']}")
    elif graphs["captures"] is not None:
        lines.append(f"CUDA graphs captured: {graphs['captures']}")
    header = (
        f"{'batch':>5}  {'prefill tok/s':>14}  {'unsteered steps/s':>24}  "
        f"{'steered steps/s':>24}  {'steered/unsteered':>23}  {'tokens/s':>9}  {'roofline':>8}"
    )
    lines += ["", header, "-" * len(header)]
    for row in result["rows"]:
        if not row.get("unsteered_runs"):
            lines.append(f"{row['batch']:>5}  {row['error'] or 'no result'}")
            continue
        fraction = row["roofline_fraction"]
        lines.append(
            f"{row['batch']:>5}  {row['prefill_tokens_s']:>14.0f}  "
            f"{_spread(row['unsteered_runs'], '.1f'):>24}  "
            f"{_spread(row['steered_runs'], '.1f'):>24}  "
            f"{_spread(row['ratio_runs'], '.3f'):>23}  {row['unsteered_tokens_s']:>9.0f}  "
            f"{(f'{fraction:.2f}' if fraction is not None else 'n/a'):>8}"
        )
    goal = result["goals"]
    if goal["checked"]:
        fraction = goal["roofline_fraction_at_64"]
        lines += [
            "",
            "goals at batch 64: roofline >= 0.5: "
            + (f"{fraction:.2f} {'PASS' if goal['roofline_ok'] else 'MISS'}" if fraction else "n/a")
            + f"; steered/unsteered >= 0.97: {goal['steered_over_unsteered_at_64']:.3f} "
            + ("PASS" if goal["steering_ok"] else "MISS"),
        ]
    else:
        lines += ["", f"goals not checked: {goal['why']}"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    try:
        setup = build(args)
        print(
            f"built {setup.lm.model_id} on {setup.lm.device} in "
            f"{time.perf_counter() - started:.1f} s",
            file=sys.stderr,
            flush=True,
        )
        rows, batch = measure(args, setup)
    except Failure as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    result = summarise(args, setup, rows, batch)
    result["wall_s"] = time.perf_counter() - started
    print(render(result))
    print(f"\n(total {result['wall_s']:.0f} s)")
    if args.out:
        args.out.write_text(json.dumps(result, indent=1, default=_json_default) + "\n")
        print(f"wrote {args.out}")
    return 0


def _json_default(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return str(value)


if __name__ == "__main__":
    sys.exit(main())
