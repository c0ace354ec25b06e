"""Hand-off to a human agent (ends the conversation)."""

from __future__ import annotations

from tautrait.domain import ToolContext, ToolError, tool


@tool(writes=False, ends_episode=True)
def transfer_to_human_agents(ctx: ToolContext, summary: str) -> dict:
    """Hand the conversation to a human agent (care coordinator or on-call nurse). Use it
    for what the policy sends to a human: clinical questions, reported symptoms, severe
    interaction holds, account reactivation, billing disputes, requests no tool covers.
    The conversation ends for you after this call.

    Args:
        summary: A short summary for the human agent: the verified patient id, what the
            patient wants and what you already did.

    Raises:
        An empty summary.
    """
    if not summary.strip():
        raise ToolError("give the human agent a short summary of the request")
    return {"status": "transferred", "message": "A human agent will continue the conversation."}
