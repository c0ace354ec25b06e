"""Throughput of tautrait's local serving stack, measured (``make bench``).

Prints, for one local model (the embedded SmolLM2 by default):

1. trait extraction time: the paper's four traits, every block, from their pairs;
2. steering overhead in batched generation: the same batch of prompts decoded
   unsteered and with every row steered by a different trait vector. Both sides decode
   exactly ``--tokens`` steps per row (end-of-sequence ignored: otherwise the side that
   happens to stop earlier looks faster or slower), in rounds alternating A B B A after
   a warm-up of each, and the table gives median [min-max] tokens/s and the
   steered/unsteered ratio of each round;
3. the manipulation check's overhead: the same steered batch with and without every
   row measuring its expression (each trait's unit direction at its block, as a run's
   simulator turns do; :mod:`tautrait.steering.expression`), in interleaved rounds the
   same way (``--probe-only`` measures this alone);
4. decode tokens/s of the continuous-batching worker with many concurrent requests.

Run on an idle machine; numbers from a shared machine are noisy (the spread says how
noisy). ``benchmarks/gpu.py`` measures the same way on a GPU, with an 8B model.

    python benchmarks/throughput.py [--model embedded] [--device cpu] [--batch 16]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import torch

from tautrait.local.chat import encode_prompt, render_prompt
from tautrait.local.generation import GenerationRequest, GenerationWorker, generate_batch
from tautrait.local.models import LocalModel, load_local_model
from tautrait.steering.basis import extract_basis, read_model_basis
from tautrait.steering.expression import ExpressionProbe
from tautrait.steering.extract import SIMULATOR_SYSTEM
from tautrait.steering.traits import load_definitions

PAPER_TRAITS = ("impatience", "confusion", "skepticism", "incoherence")


def spread(values: list[float], fmt: str) -> str:
    """Median [min-max]."""
    return f"{statistics.median(values):{fmt}} [{min(values):{fmt}}-{max(values):{fmt}}]"


def timed(fn: Callable[[], object], repeats: int) -> list[float]:
    fn()  # warm-up
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--model", default="embedded")
    parser.add_argument("--device", default="auto")
    parser.add_argument("--dtype", default="auto")
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--tokens", type=int, default=48)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--probe-only", action="store_true", help="measure the manipulation check's overhead only"
    )
    args = parser.parse_args()

    lm = load_local_model(args.model, device=args.device, dtype=args.dtype)
    print(
        f"model: {lm.model_id} on {lm.device} ({lm.dtype}), {lm.num_layers} blocks, "
        f"torch threads {torch.get_num_threads()}"
    )
    definitions = load_definitions()
    four = [definitions[t] for t in PAPER_TRAITS]

    if not args.probe_only:
        times = timed(lambda: extract_basis(lm, four), args.repeats)
        pairs = sum(len(d.pairs) for d in four)
        print(
            f"extraction, 4 traits ({pairs} pairs, all blocks): median "
            f"{statistics.median(times):.2f} s (min {min(times):.2f}, max {max(times):.2f})"
        )

    # --probe-only takes the model's cached or shipped basis when it has one (no
    # extraction: minutes on a busy machine).
    cached = read_model_basis(lm.fingerprint) if args.probe_only else None
    basis = cached or extract_basis(lm, list(definitions.values()))
    definitions = {t: d for t, d in definitions.items() if t in basis.vectors}
    prompts = [pair.prompt for d in definitions.values() for pair in d.pairs][: args.batch]
    ids = [
        encode_prompt(
            lm.tokenizer,
            render_prompt(
                lm.tokenizer,
                [{"role": "system", "content": SIMULATOR_SYSTEM}, {"role": "user", "content": p}],
            ),
        )
        for p in prompts
    ]
    names = list(definitions)
    probe = ExpressionProbe.from_basis(basis, names)
    assert probe is not None

    def batch(steered: bool, probed: bool = False) -> tuple[int, float]:
        requests = [
            GenerationRequest(
                prompt_ids=x,
                max_new_tokens=args.tokens,
                temperature=0.7,
                seed=i,
                ignore_eos=True,
                steering=basis.steering({names[i % len(names)]: "medium"}) if steered else {},
                probe=dict(probe.directions) if probed else {},
            )
            for i, x in enumerate(ids)
        ]
        started = time.perf_counter()
        tokens = sum(r.completion_tokens for r in generate_batch(lm, requests))
        return tokens, time.perf_counter() - started

    if not args.probe_only:
        steering_overhead(batch, args.repeats, len(ids))
    probe_overhead(batch, args.repeats, len(ids), len(names))
    if not args.probe_only:
        worker_throughput(lm, ids, args.tokens, args.repeats)


def interleaved(
    run: Callable[[bool], tuple[int, float]], repeats: int
) -> tuple[dict[bool, list[float]], dict[bool, int], list[float]]:
    """Rates of both sides of a comparison in rounds alternating A B B A after a warm-up
    of each, their token counts, and the B/A ratio of each round."""
    rates: dict[bool, list[float]] = {False: [], True: []}
    counts: dict[bool, int] = {}
    run(False)  # warm-up, each side
    run(True)
    for round_ in range(repeats):
        for side in (False, True) if round_ % 2 == 0 else (True, False):
            tokens, seconds = run(side)
            counts[side] = tokens
            rates[side].append(tokens / seconds)
    ratios = [b / a for b, a in zip(rates[True], rates[False], strict=True)]
    return rates, counts, ratios


def probe_overhead(
    batch: Callable[[bool, bool], tuple[int, float]], repeats: int, rows: int, traits: int
) -> None:
    rates, counts, ratios = interleaved(lambda probed: batch(True, probed), repeats)
    for label, probed in (("without", False), ("with", True)):
        print(
            f"steered batch, {rows} rows, {label} the manipulation check ({traits} traits): "
            f"{spread(rates[probed], '.1f')} tokens/s ({counts[probed]} tokens a run, "
            f"{repeats} interleaved rounds)"
        )
    print(f"with / without the check tokens/s, per round: {spread(ratios, '.3f')}")


def steering_overhead(
    batch: Callable[[bool, bool], tuple[int, float]], repeats: int, rows: int
) -> None:
    rates, counts, ratios = interleaved(lambda steered: batch(steered, False), repeats)
    for label, steered in (("unsteered", False), ("steered (a trait per row)", True)):
        print(
            f"batched generation, {rows} rows, {label}: {spread(rates[steered], '.1f')} "
            f"tokens/s ({counts[steered]} tokens a run, {repeats} interleaved rounds)"
        )
    print(f"steered / unsteered tokens/s, per round: {spread(ratios, '.3f')}")


def worker_throughput(lm: LocalModel, ids: list[list[int]], max_tokens: int, repeats: int) -> None:
    worker = GenerationWorker(lm)
    try:

        def serve() -> int:
            futures = [
                worker.submit(
                    GenerationRequest(
                        prompt_ids=x, max_new_tokens=max_tokens, temperature=0.7, seed=i
                    )
                )
                for i, x in enumerate(ids)
            ]
            return sum(f.result().completion_tokens for f in futures)

        tokens = serve()
        times = timed(serve, repeats)
        print(
            f"worker (continuous batching, prefix cache), {len(ids)} concurrent requests: "
            f"{tokens / statistics.median(times):.1f} tokens/s; mean batch "
            f"{worker.stats.mean_batch():.1f} rows, {worker.stats.reused_prompt_tokens} of "
            f"{worker.stats.prompt_tokens} prompt tokens reused"
        )
    finally:
        worker.close()


if __name__ == "__main__":
    main()
