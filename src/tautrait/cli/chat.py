"""``tautrait chat`` and ``tautrait rephrase``: use a trait user directly.

``chat`` lets a person play the *agent* against a trait user, to feel a trait before
benchmarking with it. ``rephrase`` rewrites existing user prompts with a trait while
keeping their intent (the paper's BFCL application).
"""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from tautrait.cli.app import app
from tautrait.cli.traits import Device, UserModel
from tautrait.errors import UserError, option_error

Strategy = Annotated[str, typer.Option("--user-strategy", help="steered, mtad or prompt.")]


def _side(
    trait_dict: str,
    user_model: str,
    strategy: str,
    temperature: float,
    max_tokens: int,
    device: str,
    console: Console,
) -> tuple[Any, Any]:
    from pydantic import ValidationError

    from tautrait.local import pool as local_pool
    from tautrait.user.arms import parse_arms
    from tautrait.user.settings import TRAIT_STRATEGIES, UserSettings
    from tautrait.user.side import prepare_user_side

    if strategy not in TRAIT_STRATEGIES:
        raise UserError(f"--user-strategy must be one of {', '.join(TRAIT_STRATEGIES)}")
    try:
        settings = UserSettings(
            strategy=strategy,
            model=user_model,
            temperature=temperature,
            max_tokens=max_tokens,
            device=device,
        )
    except ValidationError as exc:
        raise option_error(exc) from None
    arms = parse_arms([trait_dict], settings.strategy, baseline=False)
    local_pool.configure(local_pool.PoolSettings(device=settings.device, dtype=settings.dtype))
    side = prepare_user_side(settings, arms, console)
    return side, side.arms[0]


@app.command()
def chat(
    trait_dict: Annotated[str, typer.Option("--trait-dict", help="The user's traits.")],
    env: Annotated[str, typer.Option("--env", help="The domain of the scenario.")] = "retail",
    task_id: Annotated[
        str | None,
        typer.Option("--task-id", help="The scenario's task (default: the first dev task)."),
    ] = None,
    user_model: UserModel = "embedded",
    user_strategy: Strategy = "steered",
    temperature: Annotated[float, typer.Option("--temperature")] = 0.7,
    max_tokens: Annotated[int, typer.Option("--max-tokens")] = 128,
    seed: Annotated[int, typer.Option("--seed")] = 0,
    device: Device = "auto",
) -> None:
    """Play the agent yourself against a trait user (/quit to leave)."""
    from tautrait.domain.loader import load_domain
    from tautrait.domain.tasks import available_splits, load_tasks
    from tautrait.local import pool as local_pool
    from tautrait.user.base import Utterance
    from tautrait.user.side import make_user

    console = Console()
    domain = load_domain(env)
    splits = available_splits(env)
    split = "dev" if "dev" in splits else sorted(splits)[0]
    tasks = {t.id: t for s in splits for t in load_tasks(env, s).tasks}
    if task_id is None:
        task = load_tasks(env, split).tasks[0]
    elif task_id in tasks:
        task = tasks[task_id]
    else:
        raise UserError(f"unknown task id {task_id!r} in {env}")
    side, arm = _side(
        trait_dict, user_model, user_strategy, temperature, max_tokens, device, console
    )
    user = make_user(side, domain.spec.description, task.scenario, arm, seed)
    console.print(f"[dim]{env} / {task.id} — the customer wants: {task.scenario.goal}[/dim]")
    console.print(
        f"[dim]traits: {arm.trait_dict.canonical()}. You are the agent; /quit leaves.[/dim]"
    )

    async def play() -> None:
        transcript = [Utterance("agent", domain.spec.greeting)]
        console.print(f"[bold cyan]you (agent):[/bold cyan] {domain.spec.greeting}")
        while True:
            reply = await user.reply(transcript)
            console.print(f"[bold magenta]customer:[/bold magenta] {reply.text}")
            transcript.append(Utterance("user", reply.text))
            if reply.stop:
                console.print("[dim](the customer ended the chat)[/dim]")
                return
            text = (
                await asyncio.to_thread(console.input, "[bold cyan]you (agent):[/bold cyan] ")
            ).strip()
            if text in ("/quit", "/exit"):
                return
            transcript.append(Utterance("agent", text or "..."))

    try:
        asyncio.run(play())
    finally:
        local_pool.close_pool()


@app.command()
def rephrase(
    source: Annotated[
        Path,
        typer.Argument(
            help="JSONL of user prompts (BFCL `question`, `messages`, or a `prompt`/`text` field)."
        ),
    ],
    target: Annotated[Path, typer.Argument(help="Where to write the rewritten JSONL.")],
    trait_dict: Annotated[str, typer.Option("--trait-dict", help="The traits to add.")],
    user_model: UserModel = "embedded",
    user_strategy: Strategy = "steered",
    temperature: Annotated[float, typer.Option("--temperature")] = 0.0,
    max_tokens: Annotated[int, typer.Option("--max-tokens")] = 160,
    device: Device = "auto",
) -> None:
    """Rewrite every user message with a trait, keeping its intent; report kept details."""
    from tautrait.local import pool as local_pool
    from tautrait.user.base import Utterance
    from tautrait.user.rephrase import REWRITE_SYSTEM, kept_details, user_texts
    from tautrait.user.side import simulator_for

    records = _read_jsonl(source)
    console = Console(stderr=True)
    side, arm = _side(
        trait_dict, user_model, user_strategy, temperature, max_tokens, device, console
    )
    prompt = REWRITE_SYSTEM + (f"\n\nHow you come across:\n{arm.style}" if arm.style else "")
    places = [(line, place) for line, record in enumerate(records) for place in user_texts(record)]

    async def rewrite_all() -> list[str]:
        async def one(index: int, text: str) -> str:
            user = simulator_for(side, prompt, arm, seed=index)
            reply = await user.reply([Utterance("agent", text)])
            return reply.text or text

        return await asyncio.gather(*(one(i, c[k]) for i, (_, (c, k)) in enumerate(places)))

    try:
        rewrites = asyncio.run(rewrite_all())
    finally:
        local_pool.close_pool()
    kept = 0
    originals: dict[int, list[str]] = {}
    for (line, (container, key)), new in zip(places, rewrites, strict=True):
        original = container[key]
        kept += kept_details(original, new)
        originals.setdefault(line, []).append(original)
        container[key] = new
    for line, record in enumerate(records):
        record["tautrait"] = {
            "trait_dict": arm.trait_dict.raw,
            "user_model": user_model,
            "user_strategy": user_strategy,
            "originals": originals.get(line, []),
        }
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8"
    )
    os.replace(tmp, target)
    typer.echo(
        f"rewrote {len(places)} message(s) in {len(records)} record(s) -> {target}; "
        f"{kept}/{len(places)} kept every number and id"
    )


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    from tautrait.user.rephrase import user_texts

    if not path.is_file():
        raise UserError(f"{path} not found")
    records = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise UserError(f"{path}:{number}: invalid JSON ({exc.msg})") from None
        if not isinstance(record, dict) or not user_texts(record):
            raise UserError(
                f"{path}:{number}: no user message found (expected a `question` "
                "list of turns, a `messages` list, or a `prompt`/`text` field)"
            )
        records.append(record)
    if not records:
        raise UserError(f"{path} has no records")
    return records
