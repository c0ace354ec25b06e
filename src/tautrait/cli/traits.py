"""``tautrait traits``: list, extract, calibrate and export trait vectors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from tautrait.cli.app import app
from tautrait.errors import UserError

traits_app = typer.Typer(help="Trait definitions and their vectors.", no_args_is_help=True)
app.add_typer(traits_app, name="traits")

UserModel = Annotated[
    str,
    typer.Option(
        "--user-model",
        envvar="TAUTRAIT_USER_MODEL",
        help="A local checkpoint folder, or 'embedded'.",
    ),
]
TraitOpt = Annotated[
    list[str] | None,
    typer.Option("--trait", help="A trait name or alias (repeatable); default: every trait."),
]
Pooling = Annotated[
    str,
    typer.Option(
        "--pooling", help="reply: mean over the reply's tokens; all: the whole conversation."
    ),
]
Device = Annotated[
    str, typer.Option("--device", envvar="TAUTRAIT_DEVICE", help="auto, cpu, cuda...")
]


def _select(names: list[str] | None) -> list[Any]:
    from tautrait.steering.traits import alias_table, load_definitions

    definitions = load_definitions()
    if not names:
        return list(definitions.values())
    aliases = alias_table(definitions)
    chosen = []
    for name in names:
        canonical = aliases.get(name.lower())
        if canonical is None:
            raise UserError(f"unknown trait {name!r}; valid traits: {', '.join(definitions)}")
        chosen.append(definitions[canonical])
    return chosen


def _pooling(value: str) -> Any:
    if value not in ("reply", "all"):
        raise UserError(f"--pooling must be 'reply' or 'all', not {value!r}")
    return value


@traits_app.command("list")
def list_traits(
    user_model: UserModel = "embedded",
    pooling: Pooling = "reply",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Each trait: aliases, pairs, and whether the user model has a calibrated basis."""
    from tautrait.local.models import resolve_checkpoint, weights_fingerprint
    from tautrait.steering.basis import read_model_basis
    from tautrait.steering.traits import load_definitions

    fingerprint = weights_fingerprint(resolve_checkpoint(user_model))
    basis = read_model_basis(fingerprint, _pooling(pooling))
    rows: list[dict[str, Any]] = []
    for name, definition in load_definitions().items():
        status, detail = "none", ""
        if basis is not None and name in basis.vectors:
            fresh = basis.meta.traits[name].get("pairs_sha256") == definition.pairs_hash()
            cal = basis.meta.calibration.get(name)
            if not fresh:
                status = "stale (pairs changed)"
            elif cal is not None:
                status = "calibrated"
                detail = f"block {cal.blocks}, medium {cal.medium:g}, high {cal.high:g}"
            else:
                status = "extracted"
        rows.append(
            {
                "trait": name,
                "aliases": definition.aliases,
                "pairs": len(definition.pairs),
                "basis": status,
                "calibration": detail,
            }
        )
    if as_json:
        typer.echo(
            json.dumps(
                {"user_model": user_model, "fingerprint": fingerprint, "traits": rows}, indent=2
            )
        )
        return
    table = Table(title=f"Traits (basis for {user_model})")
    for column in ("trait", "aliases", "pairs", "basis", "calibration"):
        table.add_column(column)
    for r in rows:
        table.add_row(
            r["trait"], ", ".join(r["aliases"]), str(r["pairs"]), r["basis"], r["calibration"]
        )
    Console().print(table)


@traits_app.command("extract")
def extract(
    out: Annotated[Path, typer.Option("--out", help="The safetensors file to write.")],
    user_model: UserModel = "embedded",
    trait: TraitOpt = None,
    pooling: Pooling = "reply",
    holdout: Annotated[
        int, typer.Option("--holdout", help="Hold out every Nth pair for measurement (0: use all).")
    ] = 4,
    device: Device = "auto",
) -> None:
    """Extract trait directions at every block into a basis file (one tensor per trait)."""
    import time

    from tautrait.local.models import load_local_model
    from tautrait.steering.basis import extract_basis

    definitions = _select(trait)
    lm = load_local_model(user_model, device=device)
    started = time.monotonic()
    basis = extract_basis(lm, definitions, pooling=_pooling(pooling), holdout=holdout)
    elapsed = time.monotonic() - started
    basis.save(out)
    typer.echo(
        f"extracted {len(definitions)} trait(s) x {lm.num_layers} blocks in "
        f"{elapsed:.1f} s -> {out}"
    )


@traits_app.command("calibrate")
def calibrate(
    user_model: UserModel = "embedded",
    trait: TraitOpt = None,
    basis_file: Annotated[
        Path | None,
        typer.Option(
            "--basis",
            help="Calibrate this basis file in place (default: the model's own "
            "basis in the cache, which runs use).",
        ),
    ] = None,
    pooling: Pooling = "reply",
    fluency_factor: Annotated[
        float,
        typer.Option(
            "--fluency-factor",
            help="High keeps perplexity within this factor of unsteered replies'.",
        ),
    ] = 3.0,
    repetition_margin: Annotated[
        float,
        typer.Option(
            "--repetition-margin",
            help="...and the repetition rate within this of unsteered replies'.",
        ),
    ] = 0.2,
    device: Device = "auto",
) -> None:
    """Measure dose-response on held-out pairs; choose each trait's block, medium, high."""
    from tautrait.local.models import load_local_model
    from tautrait.steering.basis import TraitBasis, model_basis, save_model_basis
    from tautrait.steering.calibrate import calibrate_trait

    definitions = _select(trait)
    lm = load_local_model(user_model, device=device)
    if basis_file is not None:
        basis = TraitBasis.load(basis_file)
        basis.check_model(lm)
        missing = [d.name for d in definitions if d.name not in basis.vectors]
        if missing:
            raise UserError(f"{basis_file} has no direction for {', '.join(missing)}")
    else:
        basis = model_basis(lm, definitions, pooling=_pooling(pooling))
    console = Console()
    for definition in definitions:
        chosen, reference, rows = calibrate_trait(
            lm,
            basis,
            definition,
            fluency_factor=fluency_factor,
            repetition_margin=repetition_margin,
        )
        _print_dose_response(console, definition.name, reference, rows, chosen)
        if chosen is not None:
            basis.meta.calibration[definition.name] = chosen
        else:
            console.print(
                f"[yellow]{definition.name}: no fluent steered setting; left "
                "uncalibrated (defaults apply)[/yellow]"
            )
    if basis_file is not None:
        basis.save(basis_file)
        path = basis_file
    else:
        path = save_model_basis(basis)
    typer.echo(f"calibration stored in {path}")


def _print_dose_response(
    console: Console, name: str, reference: Any, rows: list[Any], chosen: Any
) -> None:
    table = Table(
        title=f"{name}: dose-response on held-out pairs "
        f"(unsteered perplexity {reference.perplexity:.2f}, "
        f"repetition {reference.repetition:.2f})"
    )
    for column in ("block", "coef", "effect", "perplexity", "repetition", "fluent", "chosen"):
        table.add_column(column, justify="right")
    for r in rows:
        mark = ""
        if chosen is not None and r.block in chosen.blocks:
            mark = (
                "high"
                if r.coefficient == chosen.high
                else ("medium" if r.coefficient == chosen.medium else "")
            )
        table.add_row(
            str(r.block),
            f"{r.coefficient:g}",
            f"{r.effect:+.3f}",
            f"{r.perplexity:.2f}",
            f"{r.repetition:.2f}",
            "yes" if r.fluent else "no",
            mark,
        )
    console.print(table)


@traits_app.command("export")
def export(
    out: Annotated[Path, typer.Option("--out", help="The .gguf file to write.")],
    trait_dict: Annotated[
        str | None,
        typer.Option(
            "--trait-dict",
            help="Export the steering for this trait dict (calibrated blocks and coefficients).",
        ),
    ] = None,
    raw_trait: Annotated[
        str | None,
        typer.Option("--raw", help="Export this trait's raw direction at every block instead."),
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="Only gguf (llama.cpp).")] = "gguf",
    user_model: UserModel = "embedded",
    basis_file: Annotated[
        Path | None, typer.Option("--basis", help="A basis file (default: the model's own basis).")
    ] = None,
    compose: Annotated[str, typer.Option("--compose", help="linear or orthogonal")] = "linear",
    pooling: Pooling = "reply",
) -> None:
    """Write llama.cpp control vectors (tensors direction.<block>) for a trait."""
    from tautrait.local.models import resolve_checkpoint, weights_fingerprint
    from tautrait.steering.basis import TraitBasis, read_model_basis
    from tautrait.steering.export import export_raw, export_steering
    from tautrait.steering.traits import load_trait_dict

    if fmt != "gguf":
        raise UserError(f"--format {fmt} is not supported; use gguf")
    if (trait_dict is None) == (raw_trait is None):
        raise UserError("give exactly one of --trait-dict or --raw")
    if compose not in ("linear", "orthogonal"):
        raise UserError("--compose must be linear or orthogonal")
    # Parsed before any model is touched: a bad trait dict fails in well under a second.
    parsed = load_trait_dict(trait_dict) if trait_dict is not None else None
    if basis_file is not None:
        basis = TraitBasis.load(basis_file)
    else:
        fingerprint = weights_fingerprint(resolve_checkpoint(user_model))
        found = read_model_basis(fingerprint, _pooling(pooling))
        if found is None:
            raise UserError(
                f"no basis for {user_model} yet; run `tautrait traits extract` "
                "or `tautrait traits calibrate` first"
            )
        basis = found
    if raw_trait is not None:
        (definition,) = _select([raw_trait])
        vectors = export_raw(basis, definition.name, out, model_hint=basis.meta.model_type)
    else:
        assert parsed is not None
        vectors = export_steering(
            basis,
            parsed.intensities,
            out,
            compose=compose,  # type: ignore[arg-type]
            model_hint=basis.meta.model_type,
        )
    typer.echo(f"wrote {len(vectors)} control vector(s) for blocks {sorted(vectors)} -> {out}")
