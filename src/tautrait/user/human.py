"""A person plays the customer, typing in the terminal (``--user-strategy human``).

The scenario is shown once; each agent message is printed and the person's answer read
from standard input. Typing ``/stop`` (or the stop marker) ends the conversation.
"""

from __future__ import annotations

import asyncio
import time

from rich.console import Console
from rich.panel import Panel

from tautrait.records import STOP_MARKER
from tautrait.user.base import UserReply, Utterance


class HumanUser:
    def __init__(self, system_prompt: str, console: Console | None = None) -> None:
        self.system_prompt = system_prompt
        self.console = console or Console()
        self._shown = False

    async def reply(self, transcript: list[Utterance]) -> UserReply:
        if not self._shown:
            self.console.print(Panel(self.system_prompt, title="You are the customer"))
            self.console.print("[dim]Type your messages; /stop ends the conversation.[/dim]")
            self._shown = True
        if transcript and transcript[-1].speaker == "agent":
            self.console.print(f"[bold cyan]agent:[/bold cyan] {transcript[-1].text}")
        started = time.monotonic()
        raw = await asyncio.to_thread(self.console.input, "[bold green]you:[/bold green] ")
        stop = raw.strip() == "/stop" or STOP_MARKER in raw
        text = raw.replace(STOP_MARKER, "").strip()
        if text == "/stop":
            text = ""
        return UserReply(
            text=text, stop=stop, raw=raw, latency_s=time.monotonic() - started, cost=0.0
        )
