from tautrait.local.chat import fallback_messages, parse_tool_calls, render_prompt
from tests.tiny import tiny_model

TOOLS = [
    {
        "type": "function",
        "function": {
            "name": "get_order",
            "description": "d",
            "parameters": {"type": "object", "properties": {}},
        },
    }
]


def test_parse_tool_call_blocks() -> None:
    text = 'Let me check.\n<tool_call>\n{"name": "get_order", "arguments": {"order_id": "#1"}}\n</tool_call>'
    content, calls = parse_tool_calls(text)
    assert content == "Let me check."
    assert [(c.name, c.arguments) for c in calls] == [("get_order", '{"order_id": "#1"}')]


def test_parse_lists_unterminated_and_bare_json() -> None:
    _, calls = parse_tool_calls(
        '<tool_call>[{"name": "a", "arguments": {}}, {"name": "b", "parameters": {"x": 1}}]'
    )
    assert [(c.name, c.arguments) for c in calls] == [("a", "{}"), ("b", '{"x": 1}')]
    content, calls = parse_tool_calls('{"name": "get_order", "parameters": {"order_id": "1"}}')
    assert content == "" and calls[0].name == "get_order"
    assert parse_tool_calls("Plain answer.") == ("Plain answer.", [])


def test_malformed_call_is_kept_for_an_error_message() -> None:
    _, calls = parse_tool_calls('<tool_call>{"name": "get_order", "arguments": {oops}</tool_call>')
    assert calls[0].name == "get_order" and "oops" in calls[0].arguments


def test_fallback_renders_tools_calls_and_results() -> None:
    messages = [
        {"role": "system", "content": "Policy."},
        {"role": "user", "content": "Hi"},
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": "1",
                    "type": "function",
                    "function": {"name": "get_order", "arguments": '{"order_id": "#1"}'},
                }
            ],
        },
        {"role": "tool", "tool_call_id": "1", "name": "get_order", "content": '{"ok": 1}'},
        {"role": "tool", "tool_call_id": "2", "name": "get_order", "content": '{"ok": 2}'},
    ]
    plain = fallback_messages(messages, TOOLS)
    assert [m["role"] for m in plain] == ["system", "user", "assistant", "user"]
    assert "- get_order(): d" in plain[0]["content"] and "<tool_call>" in plain[0]["content"]
    assert plain[2]["content"].startswith("<tool_call>")
    assert plain[3]["content"].count("<tool_response>") == 2
    text = render_prompt(tiny_model().tokenizer, messages, TOOLS)
    assert text.endswith("<|im_start|>assistant\n")


def test_compact_signature() -> None:
    from tautrait.local.chat import compact_signature

    fn = {
        "name": "pay",
        "description": "Pay a bill.\n\nMore detail.",
        "parameters": {
            "type": "object",
            "required": ["amount"],
            "properties": {
                "amount": {"type": "number"},
                "method": {"enum": ["card", "cash"], "type": "string", "default": "card"},
                "ids": {"type": "array", "items": {"type": "string"}, "default": []},
            },
        },
    }
    assert compact_signature(fn) == (
        '- pay(amount: number, method: "card"|"cash" = "card", ids: list[string] = []): Pay a bill.'
    )
