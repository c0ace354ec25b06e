"""The prompt baseline (seed paper 000, section 4.1): traits described, not steered.

A meta-prompt turns the trait dict (each trait's description and the rubric of its
level) into a short *style* section, written once per arm by the user model itself; the
style is then joined with each task's scenario in the simulator's system prompt. Any
litellm model can play the user this way, the local ones included (``local/embedded``).
Levels come from the trait dict; a number maps to the nearest level (0 is "low", up to
1.5 "medium", above that "high"; negative numbers count as "low").
"""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from tautrait.llm import RetryPolicy, complete
from tautrait.steering.traits import Intensity, Level, TraitDefinition

_templates = Environment(
    loader=FileSystemLoader(str(Path(__file__).parent / "templates")),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    autoescape=False,
)


def level_of(intensity: Intensity) -> Level:
    if isinstance(intensity, str):
        return intensity
    if intensity <= 0:
        return "low"
    return "medium" if intensity <= 1.5 else "high"


def style_request(
    intensities: dict[str, Intensity], definitions: dict[str, TraitDefinition]
) -> str:
    """The meta-prompt for a trait dict (its active traits)."""
    traits = []
    for name, intensity in intensities.items():
        level = level_of(intensity)
        if level == "low":
            continue
        definition = definitions[name]
        traits.append(
            {
                "name": name,
                "level": level,
                "description": definition.description,
                "rubric": definition.rubric.get(level, ""),
            }
        )
    return _templates.get_template("style_meta.md.j2").render(traits=traits).strip()


async def write_style(
    model: str,
    intensities: dict[str, Intensity],
    definitions: dict[str, TraitDefinition],
    *,
    api_base: str | None = None,
    retry: RetryPolicy | None = None,
    max_tokens: int = 200,
) -> str:
    """The style section for a trait dict ("" when every trait is neutral).

    Written at temperature 0 with a fixed seed so a rerun gets the same text; the run
    records it either way.
    """
    if all(level_of(v) == "low" for v in intensities.values()):
        return ""
    completion = await complete(
        model,
        [{"role": "user", "content": style_request(intensities, definitions)}],
        temperature=0.0,
        seed=0,
        max_tokens=max_tokens,
        api_base=api_base,
        retry=retry,
    )
    return completion.content.strip()
