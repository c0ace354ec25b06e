"""Chat formatting for local models: OpenAI-style messages in, token ids out, and
tool calls parsed back out of generated text.

Models whose chat template understands tools (Qwen, Llama 3.1, ...) get the tools through
``apply_chat_template(tools=...)``. Others (the embedded SmolLM2 among them) get a
fallback: a compact listing of the tools — one signature and the first paragraph of
the description each, since full JSON schemas would fill a small model's context — and
a ``<tool_call>{json}</tool_call>`` convention in the system message, earlier calls
rendered in that convention, and tool results as ``<tool_response>`` user turns.
Either way :func:`parse_tool_calls` reads the calls back; a malformed call is still
returned as a call (with its raw arguments) so the agent gets an error message about it
rather than silence.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

_TOOL_CALL = re.compile(r"<tool_call>\s*(.*?)\s*(?:</tool_call>|$)", re.DOTALL)
_NAME = re.compile(r'"name"\s*:\s*"([^"]+)"')

TOOL_INSTRUCTIONS = """# Tools
You can call these functions. To call one, write exactly:
<tool_call>
{{"name": "<function name>", "arguments": {{<arguments as a JSON object>}}}}
</tool_call>
Write one <tool_call> block per call and nothing after the last block; the results come
back in <tool_response> blocks. To answer the customer instead, write plain text.

Functions (name(argument: type), then what it does):
{schemas}"""


def compact_signature(function: dict[str, Any]) -> str:
    """``name(arg: type, opt: type = default)`` and the description's first paragraph."""
    params = function.get("parameters", {})
    required = set(params.get("required", []))
    args = []
    for name, prop in params.get("properties", {}).items():
        kind = _type_name(prop)
        if name in required:
            args.append(f"{name}: {kind}")
        else:
            args.append(f"{name}: {kind} = {json.dumps(prop.get('default'))}")
    summary = (function.get("description") or "").strip().split("\n\n")[0]
    summary = " ".join(summary.split())
    return f"- {function['name']}({', '.join(args)}): {summary}"


def _type_name(prop: dict[str, Any]) -> str:
    if "enum" in prop:
        return "|".join(json.dumps(v) for v in prop["enum"])
    if "anyOf" in prop:
        return " or ".join(_type_name(p) for p in prop["anyOf"])
    if prop.get("type") == "array":
        return f"list[{_type_name(prop.get('items', {}))}]"
    return str(prop.get("type", "any"))


@dataclass
class ParsedCall:
    name: str
    arguments: str
    """Raw JSON text of the arguments (possibly invalid: the environment reports that)."""


def supports_native_tools(tokenizer: Any) -> bool:
    template = getattr(tokenizer, "chat_template", None) or ""
    return isinstance(template, str) and "tools" in template


def render_prompt(
    tokenizer: Any,
    messages: list[dict[str, Any]],
    tools: list[dict[str, Any]] | None = None,
    *,
    add_generation_prompt: bool = True,
) -> str:
    """The prompt text for ``messages`` (and ``tools``) under the model's chat template."""
    if tools and supports_native_tools(tokenizer):
        native = [_native_message(m) for m in messages]
        return str(
            tokenizer.apply_chat_template(
                native, tools=tools, tokenize=False, add_generation_prompt=add_generation_prompt
            )
        )
    plain = fallback_messages(messages, tools)
    return str(
        tokenizer.apply_chat_template(
            plain, tokenize=False, add_generation_prompt=add_generation_prompt
        )
    )


def encode_prompt(tokenizer: Any, text: str) -> list[int]:
    """Token ids of a rendered prompt (templates already contain their special tokens)."""
    return list(tokenizer(text, add_special_tokens=False)["input_ids"])


def _native_message(message: dict[str, Any]) -> dict[str, Any]:
    out = {"role": message["role"], "content": message.get("content") or ""}
    if message.get("tool_calls"):
        out["tool_calls"] = [
            {
                "type": "function",
                "id": call.get("id"),
                "function": {
                    "name": call["function"]["name"],
                    "arguments": _as_object(call["function"].get("arguments")),
                },
            }
            for call in message["tool_calls"]
        ]
    if message["role"] == "tool":
        out["tool_call_id"] = message.get("tool_call_id")
        out["name"] = message.get("name")
    return out


def _as_object(arguments: Any) -> Any:
    if isinstance(arguments, str):
        try:
            return json.loads(arguments)
        except json.JSONDecodeError:
            return {"_raw": arguments}
    return arguments or {}


def fallback_messages(
    messages: list[dict[str, Any]], tools: list[dict[str, Any]] | None
) -> list[dict[str, str]]:
    """Messages with only system/user/assistant roles and string content, consecutive
    turns of one role merged (some templates reject two user turns in a row)."""
    out: list[dict[str, str]] = []
    for message in messages:
        role = message["role"]
        content = message.get("content") or ""
        if role == "system" and tools:
            schemas = "\n".join(compact_signature(t["function"]) for t in tools)
            content = f"{content}\n\n{TOOL_INSTRUCTIONS.format(schemas=schemas)}".strip()
        elif role == "assistant" and message.get("tool_calls"):
            blocks = [
                "<tool_call>\n"
                + json.dumps(
                    {
                        "name": c["function"]["name"],
                        "arguments": _as_object(c["function"].get("arguments")),
                    }
                )
                + "\n</tool_call>"
                for c in message["tool_calls"]
            ]
            content = "\n".join([content, *blocks]).strip()
        elif role == "tool":
            role = "user"
            content = f"<tool_response>\n{content}\n</tool_response>"
        if out and out[-1]["role"] == role:
            out[-1]["content"] += "\n\n" + content
        else:
            out.append({"role": role, "content": content})
    return out


def parse_tool_calls(text: str) -> tuple[str, list[ParsedCall]]:
    """Split generated text into (message text, tool calls)."""
    calls: list[ParsedCall] = []
    blocks = list(_TOOL_CALL.finditer(text))
    if blocks:
        for block in blocks:
            calls.extend(_calls_from_json(block.group(1)))
        content = text[: blocks[0].start()].strip()
        return content, calls
    stripped = text.strip()
    if stripped.startswith("{") and '"name"' in stripped:
        parsed = _calls_from_json(stripped)
        if parsed and all(c.name for c in parsed):
            return "", parsed
    return text.strip(), []


def _calls_from_json(body: str) -> list[ParsedCall]:
    try:
        value = json.loads(body)
    except json.JSONDecodeError:
        match = _NAME.search(body)
        return [ParsedCall(name=match.group(1) if match else "", arguments=body)]
    items = value if isinstance(value, list) else [value]
    calls = []
    for item in items:
        if not isinstance(item, dict):
            calls.append(ParsedCall(name="", arguments=json.dumps(item)))
            continue
        args = item.get("arguments", item.get("parameters", {}))
        raw = args if isinstance(args, str) else json.dumps(args, ensure_ascii=False)
        calls.append(ParsedCall(name=str(item.get("name", "")), arguments=raw))
    return calls
