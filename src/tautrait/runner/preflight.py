"""Checks made before a run's grid starts, without spending an episode.

A typo in a provider, a missing API key or an unreachable endpoint would otherwise turn
every episode into an infrastructure error. Each check raises a one-line
:class:`~tautrait.errors.UserError` (exit 2) before anything is written; cheap checks run
first, so most mistakes are reported before litellm (seconds to import) is loaded:

1. the output folder can be created and written (probed without leaving anything);
2. local model folders are complete (config, weights, tokenizer) and hold causal LMs;
   a ``--basis`` file is a tautrait safetensors basis (never a pickle);
3. each litellm model names a provider litellm knows, with its API key in the
   environment where the provider needs one (not checked when an api base is given);
4. each ``--api-base`` / ``--user-api-base`` accepts a TCP connection (short timeout).
"""

from __future__ import annotations

import shutil
import socket
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from tautrait.errors import UserError
from tautrait.local.models import check_adapter, check_checkpoint
from tautrait.runner.config import RunConfig
from tautrait.user.settings import LOCAL_STRATEGIES, litellm_name

CONNECT_TIMEOUT_S = 3.0
MIN_FREE_MB = 64
"""Free space an output folder needs: a run's records are small, a full disk is not."""
OWN_PROVIDERS = ("local/", "scripted/")


def preflight(config: RunConfig, *, output: bool = True) -> None:
    """Every check of the module docstring, cheapest first (``output``: the output
    folder too; a resumed run writes into its own folder)."""
    check_files(config, output=output)
    check_services(config)


def check_files(config: RunConfig, *, output: bool = True) -> None:
    """Checks 1 and 2 (and a ``--faults`` spec): files and folders, in milliseconds."""
    if config.faults:
        from tautrait.faults import parse_faults

        parse_faults(config.faults)
    if output:
        check_output_dir(config.output_dir)
    for model in local_models(config):
        check_checkpoint(model)
    if config.user_strategy == "mtad":
        from tautrait.user.side import parse_adapters

        for trait, folder in parse_adapters(config.adapters).items():
            check_adapter(trait, Path(folder).expanduser())
    if config.basis is not None:
        from tautrait.steering.files import check_basis_file

        check_basis_file(config.basis)


def check_services(config: RunConfig) -> None:
    """Checks 3 and 4: providers, API keys, endpoints (imports litellm for hosted ones)."""
    models = [(config.model, config.api_base, "--model")]
    if config.user_strategy in ("llm", "prompt"):
        models.append((litellm_name(config.user_model), config.user_api_base, "--user-model"))
    for model, api_base, flag in models:
        check_provider(model, api_base, flag)
    for base, flag in ((config.api_base, "--api-base"), (config.user_api_base, "--user-api-base")):
        if base:
            check_reachable(base, flag)


def local_models(config: RunConfig) -> list[str]:
    """Every local model the run will load: the embedded one or checkpoint folders."""
    names: list[str] = []
    if config.model.startswith("local/"):
        names.append(config.model.removeprefix("local/"))
    local_user = litellm_name(config.user_model).startswith("local/")
    # A human or a steering server plays the user: no local user model then.
    if config.user_strategy in LOCAL_STRATEGIES or (
        config.user_strategy in ("llm", "prompt") and local_user
    ):
        names.append(config.user_model)
    return names


def check_output_dir(folder: Path) -> None:
    """The folder exists or can be created, is writable and has some free space; checked
    by creating (and removing) a temporary folder in it, so root's bypass of permission
    bits and read-only mounts are both caught, and nothing is left behind."""
    folder = folder.expanduser()
    existing = folder
    while not existing.exists():
        if existing.parent == existing:
            break
        existing = existing.parent
    if not existing.is_dir():
        raise UserError(
            f"output folder {folder} cannot be created: {existing} is a file; pass "
            "--output-dir with a folder"
        )
    try:
        probe = tempfile.mkdtemp(prefix=".tautrait-probe-", dir=existing)
    except OSError as exc:
        verb = "written to" if existing == folder else "created"
        raise UserError(
            f"output folder {folder} cannot be {verb} ({exc.strerror or exc}); pass a "
            "writable --output-dir"
        ) from None
    Path(probe).rmdir()
    free_mb = shutil.disk_usage(existing).free / 2**20
    if free_mb < MIN_FREE_MB:
        raise UserError(
            f"only {free_mb:.0f} MiB free under {existing}; free some space or pass "
            "another --output-dir"
        )


def check_provider(model: str, api_base: str | None, flag: str) -> None:
    """The model's provider is known to litellm and its API key is set where needed."""
    if model.startswith(OWN_PROVIDERS):
        if model.startswith("scripted/"):
            from tautrait.scripted import parse_scripted_model

            try:
                parse_scripted_model(model.removeprefix("scripted/"))
            except ValueError as exc:
                raise UserError(f"{flag} {model}: {exc}") from None
        return
    from tautrait.llm import litellm_module

    litellm = litellm_module()
    try:
        _, provider, _, _ = litellm.get_llm_provider(model, api_base=api_base)
    except Exception:
        raise UserError(
            f"{flag} {model}: litellm knows no provider for this model; write "
            "provider/model (openai/gpt-4o, anthropic/claude-sonnet-4-5, hosted_vllm/NAME "
            "with --api-base, or local/<checkpoint>)"
        ) from None
    if api_base:
        return
    try:
        status = litellm.validate_environment(model=model)
    except Exception:
        return  # litellm cannot tell for this provider; the first call will
    missing = [k for k in status.get("missing_keys") or [] if k]
    if missing:
        raise UserError(
            f"{flag} {model}: provider {provider} needs {', '.join(missing)} in the "
            "environment; set it (or pass an api base for a self-hosted server)"
        )


def check_reachable(url: str, flag: str) -> None:
    """A TCP connection to the URL's host and port opens within a short timeout."""
    parts = urlsplit(url if "://" in url else f"http://{url}")
    if not parts.hostname:
        raise UserError(f"{flag} {url!r} is not a URL (http://host:port/v1)")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise UserError(f"{flag} {url!r} has an invalid port") from None
    try:
        with socket.create_connection((parts.hostname, port), timeout=CONNECT_TIMEOUT_S):
            pass
    except OSError as exc:
        raise UserError(
            f"{flag} {url} is not reachable ({exc.strerror or exc}); start the server "
            "or fix the URL"
        ) from None
