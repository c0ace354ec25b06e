"""Reusing the KV cache of prompt prefixes across requests.

Conversations are re-sent whole at every turn, and every agent request starts with the
same policy and tool list, so most of each prompt was already encoded by an earlier
request. :class:`PrefixCache` keeps the keys and values of recent prompts (minus their
last token) and hands back the longest cached prefix of a new prompt, so only the rest
is prefilled.

Entries are keyed by the request's **steering**: steering changes the keys and values of
every block after the one it is added at, so a cache made under one steering setting is
never reused under another. The last prompt token is never stored, because with
``position="generated"`` it is the one position steered during prefill. Memory is
bounded by a byte budget (keys and values as stored, on the model's device) with
least-recently-used eviction. The budget must hold the working set, every conversation
in flight, or LRU eviction discards each entry just before it is needed; an entry that is a prefix
of a newer one with the same key is dropped (a conversation keeps one entry).
"""

from __future__ import annotations

import hashlib
import itertools
import threading
from dataclasses import dataclass

import torch

DEFAULT_MAX_BYTES = 4096 * 2**20

KV = list[tuple[torch.Tensor, torch.Tensor]]
"""Per block: keys and values of one sequence, each ``[heads, tokens, head_dim]``."""


def steering_key(steering: dict[int, torch.Tensor], position: str) -> str:
    if not steering:
        return "none"
    digest = hashlib.sha1(position.encode())
    for block in sorted(steering):
        digest.update(str(block).encode())
        digest.update(steering[block].detach().float().cpu().numpy().tobytes())
    return digest.hexdigest()


@dataclass
class _Entry:
    key: str
    tokens: torch.Tensor  # [n] long, on CPU
    kv: KV
    last_used: int

    @property
    def nbytes(self) -> int:
        return sum(k.numel() * k.element_size() + v.numel() * v.element_size() for k, v in self.kv)


class PrefixCache:
    """See the module docstring.

    Args:
        max_bytes: Total size of the keys and values held (0 disables the cache).
        min_tokens: Prompts shorter than this are not stored.
    """

    def __init__(self, max_bytes: int = DEFAULT_MAX_BYTES, min_tokens: int = 32) -> None:
        self.max_bytes = max_bytes
        self.min_tokens = min_tokens
        self._entries: list[_Entry] = []
        self._clock = itertools.count()
        self._lock = threading.Lock()
        self.hits = 0
        self.lookups = 0
        self.reused_tokens = 0

    @property
    def tokens(self) -> int:
        return sum(len(e.tokens) for e in self._entries)

    @property
    def nbytes(self) -> int:
        return sum(e.nbytes for e in self._entries)

    def lookup(self, key: str, prompt: list[int]) -> tuple[KV | None, int]:
        """The KV of the longest cached prefix of ``prompt`` (at most len - 1 tokens)."""
        if self.max_bytes <= 0 or len(prompt) < 2:
            return None, 0
        with self._lock:
            self.lookups += 1
            best, best_len = self._longest(key, prompt)
            if best is None or best_len < self.min_tokens:
                return None, 0
            best.last_used = next(self._clock)
            self.hits += 1
            self.reused_tokens += best_len
            return [(k[:, :best_len], v[:, :best_len]) for k, v in best.kv], best_len

    def cached_length(self, key: str, prompt: list[int]) -> int:
        """How much of ``prompt`` a lookup would reuse now (no statistics, no LRU touch)."""
        if self.max_bytes <= 0 or len(prompt) < 2:
            return 0
        with self._lock:
            _, best = self._longest(key, prompt)
        return best if best >= self.min_tokens else 0

    def _longest(self, key: str, prompt: list[int]) -> tuple[_Entry | None, int]:
        """The entry sharing the longest prefix with ``prompt[:-1]`` (caller holds the lock)."""
        query = torch.tensor(prompt[:-1], dtype=torch.long)
        best: _Entry | None = None
        best_len = 0
        for entry in self._entries:
            if entry.key != key:
                continue
            n = min(len(entry.tokens), len(query))
            if n <= best_len:
                continue
            same = entry.tokens[:n] == query[:n]
            match = n if bool(same.all()) else int(torch.argmin(same.int()))
            if match > best_len:
                best, best_len = entry, match
        return best, best_len

    def store(self, key: str, prompt: list[int], kv: KV) -> None:
        """Keep the KV of ``prompt[:-1]`` (``kv`` must cover exactly those tokens)."""
        tokens = torch.tensor(prompt[:-1], dtype=torch.long)
        new = _Entry(key, tokens, kv, 0)
        if self.max_bytes <= 0 or len(tokens) < self.min_tokens or new.nbytes > self.max_bytes:
            return
        with self._lock:
            kept = []
            for entry in self._entries:
                covered = (
                    entry.key == key
                    and len(entry.tokens) <= len(tokens)
                    and bool((tokens[: len(entry.tokens)] == entry.tokens).all())
                )
                if not covered:
                    kept.append(entry)
            new.last_used = next(self._clock)
            kept.append(new)
            kept.sort(key=lambda e: e.last_used)
            total = sum(e.nbytes for e in kept)
            while total > self.max_bytes:
                total -= kept.pop(0).nbytes
            self._entries = kept

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def common_prefix_length(a: list[int], b: list[int]) -> int:
    n = min(len(a), len(b))
    if n == 0:
        return 0
    same = torch.tensor(a[:n]) == torch.tensor(b[:n])
    return n if bool(same.all()) else int(torch.argmin(same.int()))


def defer_shared_prefixes(
    keys: list[str | None], prompts: list[list[int]], cache: PrefixCache
) -> list[bool]:
    """Which requests arriving together to hold back one round: those sharing a long
    uncached prefix (a policy, a system prompt) with an earlier one of the same key. Once
    the earlier one is prefilled its prefix is cached, and the held-back ones reuse it
    instead of each encoding it again. ``None`` keys are never deferred."""
    if cache.max_bytes <= 0:
        return [False] * len(prompts)
    defer = [False] * len(prompts)
    admitted: list[int] = []
    for i, (key, prompt) in enumerate(zip(keys, prompts, strict=True)):
        if key is not None:
            cached = cache.cached_length(key, prompt)
            for j in admitted:
                if keys[j] != key:
                    continue
                shared = common_prefix_length(prompt[:-1], prompts[j][:-1])
                if shared >= cache.min_tokens and shared >= cached + cache.min_tokens:
                    defer[i] = True
                    break
        if not defer[i]:
            admitted.append(i)
    return defer
