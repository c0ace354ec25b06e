"""tau-bench / tau-trait compatible entry point.

Accepts the flags of those harnesses' ``run.py`` and maps them onto ``tautrait run``'s
code path, so existing scripts keep working::

    python run.py --env retail --model gpt-4o --model-provider openai \\
        --user-strategy llm --user-model-provider steer --max-concurrency 5 \\
        --trait-dict traits/skeptical.json --log-dir results

``--user-model-provider steer --endpoint URL`` plays the user through that steering
server (``tautrait serve``, or tau-trait's hosted one), with the key from
``STEER_API_KEY`` as in tau-trait; without ``--endpoint`` it runs the local steered
simulator. Differences, each announced on stderr when it applies: ``--task-ids`` are
positions in the split, as in tau-bench; results go to a run folder under ``--log-dir``
(``--result-fp`` is not used).

``--env retail`` means what it means in those harnesses: the original tasks, run from the
installed tau-Trait package (``tautrait run --env tau-trait/retail``). ``--benchmark
tau-bench`` takes them from a tau-bench checkout instead (``TAUTRAIT_TAU_BENCH_PATH``),
``--benchmark tautrait`` runs tautrait's own domain of that name (what this script ran
before), and a qualified ``--env tau-bench/airline`` is used as given.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any, NoReturn

from tautrait.errors import UserError

STEER_PROVIDERS = {"steer", "local", "transformers"}
BENCHMARKS = ("tau-trait", "tau-bench", "tautrait")
"""Where an unqualified ``--env`` takes its tasks from: an original package, or tautrait."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        print(f"error: {message} (see python run.py --help)", file=sys.stderr)
        sys.exit(2)


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--env", default="retail")
    p.add_argument(
        "--benchmark",
        choices=BENCHMARKS,
        default=None,
        help="whose tasks an unqualified --env names: the original tau-Trait package "
        "(default), a tau-bench checkout, or tautrait's own domains",
    )
    p.add_argument("--model", default=None, help="agent model (default: the embedded model)")
    p.add_argument("--model-provider", default=None)
    p.add_argument("--user-model", default=None)
    p.add_argument("--user-model-provider", default=None)
    p.add_argument("--user-strategy", default="llm")
    p.add_argument("--agent-strategy", default="tool-calling")
    p.add_argument("--temperature", type=float, default=0.0)
    p.add_argument("--task-split", default="test")
    p.add_argument("--start-index", type=int, default=0)
    p.add_argument("--end-index", type=int, default=-1)
    p.add_argument("--task-ids", type=int, nargs="+", default=None)
    p.add_argument("--num-trials", type=int, default=1)
    p.add_argument("--max-concurrency", type=int, default=1)
    p.add_argument("--seed", type=int, default=10)
    p.add_argument("--shuffle", type=int, choices=(0, 1), default=0)
    p.add_argument("--log-dir", default="results")
    p.add_argument("--trait-dict", "--trait_dict", dest="trait_dict", default=None)
    p.add_argument("--api-base", default=None)
    p.add_argument("--max-steps", type=int, default=30)
    p.add_argument("--result-fp", default=None, help=argparse.SUPPRESS)
    p.add_argument(
        "--endpoint",
        default=None,
        help="with --user-model-provider steer: the steering server (tautrait serve) URL",
    )
    p.add_argument("--few-shot-displays-path", default=None, help=argparse.SUPPRESS)
    return p


def _note(message: str) -> None:
    print(f"note: {message}", file=sys.stderr)


def resolve_env(env: str, benchmark: str | None) -> str:
    """The tautrait domain an ``--env`` means: ``retail`` -> ``tau-trait/retail`` (or
    ``<benchmark>/retail``; ``retail`` itself with ``--benchmark tautrait``). A qualified
    name (``tau-bench/airline``) is used as given."""
    if "/" in env:
        if benchmark is not None:
            _note(f"--benchmark {benchmark} is ignored: --env {env} names its benchmark")
        return env
    chosen = benchmark or BENCHMARKS[0]
    return env if chosen == "tautrait" else f"{chosen}/{env}"


def to_config(args: argparse.Namespace) -> dict[str, Any]:
    """Translate tau-bench/tau-trait flags into tautrait run settings."""
    if args.agent_strategy != "tool-calling":
        raise UserError(
            f"--agent-strategy {args.agent_strategy} is not supported; "
            "tautrait runs tool-calling agents"
        )
    if args.few_shot_displays_path:
        raise UserError("--few-shot-displays-path is not supported")
    values: dict[str, Any] = {
        "env": resolve_env(args.env, args.benchmark),
        "temperature": args.temperature,
        "task_split": args.task_split,
        "start_index": args.start_index,
        "end_index": args.end_index,
        "num_trials": args.num_trials,
        "max_concurrency": args.max_concurrency,
        "seed": args.seed,
        "shuffle": bool(args.shuffle),
        "output_dir": args.log_dir,
        "api_base": args.api_base,
        "max_steps": args.max_steps,
        "trait_dicts": [args.trait_dict] if args.trait_dict else [],
    }
    if args.model:
        provider = args.model_provider
        values["model"] = (
            args.model
            if not provider or args.model.startswith(f"{provider}/")
            else f"{provider}/{args.model}"
        )
    provider = (args.user_model_provider or "").lower()
    if args.user_strategy != "llm":
        raise UserError(f"--user-strategy {args.user_strategy} is not supported; use llm")
    if provider == "steer" and args.endpoint:
        values["user_strategy"] = "steer"
        values["user_endpoint"] = args.endpoint
        if args.user_model:
            _note(f"--user-model {args.user_model} is ignored: the server at --endpoint decides")
    elif provider in STEER_PROVIDERS or (not provider and args.trait_dict):
        values["user_strategy"] = "steered"
        if args.user_model and (provider != "steer" or args.user_model == "embedded"):
            values["user_model"] = args.user_model
        elif args.user_model:
            _note(
                f"the steer server's {args.user_model} is replaced by the local steered "
                "simulator (the embedded model; pass a checkpoint with "
                "--user-model-provider local --user-model PATH)"
            )
        if args.endpoint:
            _note("--endpoint is ignored: traits are steered locally")
    else:
        values["user_strategy"] = "llm"
        model = args.user_model or "gpt-4o"
        values["user_model"] = (
            model if not provider or model.startswith(f"{provider}/") else f"{provider}/{model}"
        )
    if args.result_fp:
        _note(f"--result-fp is not used; results go to a run folder under {args.log_dir}")
    return values


def main(argv: list[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    try:
        from tautrait.cli.run import start
        from tautrait.domain.tasks import load_tasks
        from tautrait.runner.config import build_config

        values = to_config(args)
        if args.task_ids is not None:
            tasks = load_tasks(values["env"], args.task_split).tasks
            bad = [i for i in args.task_ids if not 0 <= i < len(tasks)]
            if bad:
                raise UserError(
                    f"--task-ids {bad} out of range: the split has {len(tasks)} "
                    f"tasks (positions 0 to {len(tasks) - 1})"
                )
            values["task_ids"] = [tasks[i].id for i in args.task_ids]
        start(build_config(values))
    except UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
