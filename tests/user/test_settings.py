"""The user side takes user settings: a run derives them, ``chat`` and ``traits eval``
build them directly, and both reach the same simulator."""

from pathlib import Path

import pytest
from pydantic import SecretStr, ValidationError
from rich.console import Console

from tautrait.llm import RetryPolicy
from tautrait.runner.config import RunConfig
from tautrait.user.arms import parse_arms
from tautrait.user.llm import LLMUser
from tautrait.user.settings import UserSettings, litellm_name, run_retry
from tautrait.user.side import prepare_user_side, simulator_for


def test_the_defaults_are_a_runs_defaults() -> None:
    assert RunConfig().user_settings() == UserSettings()
    assert UserSettings().retry == RunConfig().retry_policy() == run_retry()


def test_a_run_config_hands_over_every_user_setting() -> None:
    config = RunConfig(
        user_strategy="steer",
        user_model="folder",
        user_api_base="http://api",
        user_endpoint="http://steer",
        user_api_key=SecretStr("k"),
        user_temperature=0.3,
        user_top_p=0.5,
        user_max_tokens=9,
        adapters=["impatience=/a"],
        basis=Path("b.safetensors"),
        pooling="all",
        steering_position="generated",
        compose="orthogonal",
        device="cpu",
        dtype="float32",
        retry_attempts=2,
        retry_initial_s=0.5,
        retry_max_s=7.0,
    )
    settings = config.user_settings()
    assert settings.model_dump() == {
        "strategy": "steer",
        "model": "folder",
        "api_base": "http://api",
        "endpoint": "http://steer",
        "temperature": 0.3,
        "top_p": 0.5,
        "max_tokens": 9,
        "adapters": ("impatience=/a",),
        "basis": Path("b.safetensors"),
        "pooling": "all",
        "steering_position": "generated",
        "compose": "orthogonal",
        "device": "cpu",
        "dtype": "float32",
        "retry": {
            "attempts": 2,
            "initial_s": 0.5,
            "max_s": 60.0,
            "timeout_s": 600.0,
            "max_total_s": 7.0,
        },
    }
    # The key reaches the user side but is never dumped.
    assert settings.api_key is not None and settings.api_key.get_secret_value() == "k"


def test_settings_are_checked_and_frozen() -> None:
    with pytest.raises(ValidationError):
        UserSettings(temperature=-1)
    with pytest.raises(ValidationError):
        UserSettings(strategy="psychic")
    with pytest.raises(ValidationError):
        UserSettings().model = "other"  # type: ignore[misc]


def test_an_llm_user_is_built_from_the_settings_alone() -> None:
    retry = RetryPolicy(attempts=2)
    settings = UserSettings(
        strategy="llm", model="scripted/user", api_base="http://x", temperature=0.2,
        max_tokens=11, retry=retry,
    )  # fmt: skip
    side = prepare_user_side(settings, parse_arms([], "llm"), Console(quiet=True))
    assert side.info == {"strategy": "llm", "model": "scripted/user"}
    (arm,) = side.arms
    user = simulator_for(side, "the prompt", arm, seed=5)
    assert isinstance(user, LLMUser)
    assert (user.model, user.system_prompt, user.seed) == ("scripted/user", "the prompt", 5)
    assert (user.temperature, user.max_tokens, user.api_base) == (0.2, 11, "http://x")
    assert user.retry is retry


def test_a_local_user_model_is_named_for_litellm(tmp_path: Path) -> None:
    assert litellm_name("embedded") == "local/embedded"
    assert litellm_name(str(tmp_path)) == f"local/{tmp_path}"
    assert litellm_name("openai/gpt-4o") == "openai/gpt-4o"
