"""Reusing the KV cache of prompt prefixes across requests.

Conversations are re-sent whole at every turn, and every agent request starts with the
same policy and tool list, so most of each prompt was already encoded by an earlier
request. :class:`PrefixCache` keeps the keys and values of recent prompts (minus their
last token) and hands back the longest cached prefix of a new prompt, so only the rest
is prefilled.

The cache is a **radix tree** of token segments: a prefix shared by many prompts (the
policy every agent conversation starts with) is stored once, and each conversation adds
only its own tokens below it; a conversation's next turn adds a child holding that
turn's tokens. A lookup returns the matched path as a list of segments, which the
prefill copies straight into its batch (nothing is concatenated twice). Before this, each
conversation was one entry holding its whole prompt: the demo's eight agent
conversations held the ~3,500-token policy eight times.

Entries are keyed by the request's **steering**: steering changes the keys and values of
every block after the one it is added at, so a cache made under one steering setting is
never reused under another (each key has its own tree). The last prompt token is never
stored, because with ``position="generated"`` it is the one position steered during
prefill. Memory is bounded by a byte budget (keys and values as stored, on the model's
device) with least-recently-used eviction **of leaves**: a lookup touches every node of
its path, so a shared prefix stays while any conversation below it is used, and evicting
a conversation's tail costs only the re-prefill of that tail.
"""

from __future__ import annotations

import hashlib
import itertools
import threading
from dataclasses import dataclass, field

import torch

DEFAULT_MAX_BYTES = 4096 * 2**20

KV = list[tuple[torch.Tensor, torch.Tensor]]
"""Per block: keys and values of one sequence, each ``[heads, tokens, head_dim]``."""

Segments = list[KV]
"""A cached prefix as the consecutive segments of its path in the tree."""


def steering_key(steering: dict[int, torch.Tensor], position: str) -> str:
    if not steering:
        return "none"
    digest = hashlib.sha1(position.encode())
    for block in sorted(steering):
        digest.update(str(block).encode())
        digest.update(steering[block].detach().float().cpu().numpy().tobytes())
    return digest.hexdigest()


def kv_nbytes(kv: KV) -> int:
    return sum(k.numel() * k.element_size() + v.numel() * v.element_size() for k, v in kv)


def packed_buffer(blocks: int, like: torch.Tensor, tokens: int) -> torch.Tensor:
    """An empty ``[blocks, 2, heads, tokens, head_dim]`` buffer for one segment (``like``
    is a block's keys ``[heads, *, head_dim]``); :func:`unpack` gives its views."""
    return like.new_empty((blocks, 2, like.shape[0], tokens, like.shape[-1]))


def unpack(buffer: torch.Tensor) -> KV:
    return [(buffer[b, 0], buffer[b, 1]) for b in range(buffer.shape[0])]


def pack(kv: KV) -> KV:
    """The same keys and values as views of one buffer: a segment is one allocation, not
    two per block. The cache's segments live long, between the short-lived tensors of
    every forward pass; sixty small allocations a segment (the embedded model's 30
    blocks) left the heap fragmented, one large one goes back to the system when
    freed. Returns ``kv`` itself when it already is such a buffer's views."""
    first = kv[0][0]
    storage = first.untyped_storage()
    if storage.nbytes() == kv_nbytes(kv) and all(
        k.untyped_storage().data_ptr() == storage.data_ptr()
        and v.untyped_storage().data_ptr() == storage.data_ptr()
        for k, v in kv
    ):
        return kv
    buffer = packed_buffer(len(kv), first, first.shape[1])
    for b, (k, v) in enumerate(kv):
        buffer[b, 0] = k
        buffer[b, 1] = v
    return unpack(buffer)


@dataclass(eq=False)
class _Node:
    """A segment of tokens and its keys and values, below the prefix its parent ends."""

    tokens: torch.Tensor  # [n] long, on CPU
    kv: KV
    parent: _Node | None
    children: dict[int, _Node] = field(default_factory=dict)
    """By their first token."""
    last_used: int = 0

    @property
    def nbytes(self) -> int:
        return kv_nbytes(self.kv)


class PrefixCache:
    """See the module docstring.

    Args:
        max_bytes: Total size of the keys and values held (0 disables the cache).
        min_tokens: Prompts shorter than this are not stored, and shorter matches are
            not reused.
    """

    def __init__(self, max_bytes: int = DEFAULT_MAX_BYTES, min_tokens: int = 32) -> None:
        self.max_bytes = max_bytes
        self.min_tokens = min_tokens
        self._roots: dict[str, _Node] = {}
        self._nbytes = 0
        self._clock = itertools.count(1)
        self._lock = threading.Lock()
        self.hits = 0
        self.lookups = 0
        self.reused_tokens = 0
        self.evicted_tokens = 0

    @property
    def tokens(self) -> int:
        """Tokens held (a shared prefix counts once)."""
        with self._lock:
            return sum(len(node.tokens) for node in self._nodes())

    @property
    def nbytes(self) -> int:
        return self._nbytes

    @property
    def segments(self) -> int:
        with self._lock:
            return sum(1 for _ in self._nodes())

    def lookup(self, key: str, prompt: list[int]) -> tuple[Segments | None, int]:
        """The keys and values of the longest cached prefix of ``prompt`` (at most
        len - 1 tokens), as segments to be laid end to end."""
        if self.max_bytes <= 0 or len(prompt) < 2:
            return None, 0
        with self._lock:
            self.lookups += 1
            path = self._walk(key, prompt[:-1])
            total = sum(m for _, m in path)
            if total < self.min_tokens:
                return None, 0
            self._touch(path)
            self.hits += 1
            self.reused_tokens += total
            return [[(k[:, :m], v[:, :m]) for k, v in node.kv] for node, m in path], total

    def held(self, key: str, prompt: list[int]) -> tuple[Segments, int]:
        """The segments the tree holds of ``prompt[:-1]`` and their length, like
        :meth:`lookup` but uncounted and however short (for a prompt just stored, so
        that its rows read it from here instead of keeping a copy)."""
        if self.max_bytes <= 0 or len(prompt) < 2:
            return [], 0
        with self._lock:
            path = self._walk(key, prompt[:-1])
            self._touch(path)
            segments = [[(k[:, :m], v[:, :m]) for k, v in node.kv] for node, m in path]
            return segments, sum(m for _, m in path)

    def cached_length(self, key: str, prompt: list[int]) -> int:
        """How much of ``prompt`` a lookup would reuse now (no statistics, no LRU touch)."""
        if self.max_bytes <= 0 or len(prompt) < 2:
            return 0
        best = self.stored_length(key, prompt)
        return best if best >= self.min_tokens else 0

    def stored_length(self, key: str, prompt: list[int]) -> int:
        """Tokens of ``prompt[:-1]`` the tree holds now (what :meth:`store` would not
        store again)."""
        with self._lock:
            return sum(m for _, m in self._walk(key, prompt[:-1]))

    def store(self, key: str, prompt: list[int], kv: KV, start: int = 0) -> None:
        """Keep the keys and values of ``prompt[:-1]``; ``kv`` covers its tokens from
        ``start`` on (pass ``start=stored_length(...)`` to hand over only the new ones).
        Tensors that cover exactly the tokens not held yet are kept as given (pass
        tensors you own, not views of a larger buffer); others are sliced and copied."""
        tokens = prompt[:-1]
        if self.max_bytes <= 0 or len(tokens) < self.min_tokens or not kv:
            return
        if kv[0][0].shape[1] != len(tokens) - start:
            raise ValueError(f"kv covers {kv[0][0].shape[1]} tokens, not {len(tokens) - start}")
        with self._lock:
            path = self._walk(key, tokens)
            held = sum(m for _, m in path)
            self._touch(path)
            if held >= len(tokens) or held < start:
                return  # all cached already, or kv does not reach back to what is missing
            new = len(tokens) - held
            if kv_nbytes(kv) * new // max(kv[0][0].shape[1], 1) > self.max_bytes:
                return  # larger than the whole budget
            parent = self._roots.setdefault(key, _Node(torch.zeros(0, dtype=torch.long), [], None))
            if path:
                last, m = path[-1]
                parent = self._split(last, m) if m < len(last.tokens) else last
            offset = held - start
            own = pack(kv if offset == 0 else [(k[:, offset:], v[:, offset:]) for k, v in kv])
            node = _Node(torch.tensor(tokens[held:], dtype=torch.long), own, parent)
            node.last_used = next(self._clock)
            parent.children[tokens[held]] = node
            self._nbytes += node.nbytes
            self._evict()

    def clear(self) -> None:
        with self._lock:
            self._roots.clear()
            self._nbytes = 0

    # -- the tree (callers hold the lock) -------------------------------------------------

    def _walk(self, key: str, query: list[int]) -> list[tuple[_Node, int]]:
        """The nodes matching ``query`` from the root on, each with how many of its
        tokens match (only the last may match partly)."""
        node = self._roots.get(key)
        path: list[tuple[_Node, int]] = []
        if node is None or not query:
            return path
        wanted = torch.tensor(query, dtype=torch.long)
        pos = 0
        while pos < len(query):
            child = node.children.get(query[pos])
            if child is None:
                break
            n = min(len(child.tokens), len(query) - pos)
            same = child.tokens[:n] == wanted[pos : pos + n]
            m = n if bool(same.all()) else int(torch.argmin(same.int()))
            path.append((child, m))
            pos += m
            if m < len(child.tokens):
                break
            node = child
        return path

    def _touch(self, path: list[tuple[_Node, int]]) -> None:
        now = next(self._clock)
        for node, _ in path:
            node.last_used = now

    def _split(self, node: _Node, m: int) -> _Node:
        """Cut ``node`` after its first ``m`` tokens; returns the new head (each part is
        copied, so evicting one frees its memory)."""
        assert node.parent is not None and 0 < m < len(node.tokens)
        head = _Node(
            node.tokens[:m].clone(),
            pack([(k[:, :m], v[:, :m]) for k, v in node.kv]),
            node.parent,
            last_used=node.last_used,
        )
        node.tokens = node.tokens[m:].clone()
        node.kv = pack([(k[:, m:], v[:, m:]) for k, v in node.kv])
        node.parent.children[int(head.tokens[0])] = head
        node.parent = head
        head.children[int(node.tokens[0])] = node
        return head

    def _nodes(self) -> list[_Node]:
        found: list[_Node] = []
        stack = [child for root in self._roots.values() for child in root.children.values()]
        while stack:
            node = stack.pop()
            found.append(node)
            stack.extend(node.children.values())
        return found

    def _evict(self) -> None:
        """Drop least recently used leaves until the budget holds."""
        while self._nbytes > self.max_bytes:
            leaves = [n for n in self._nodes() if not n.children]
            if not leaves:
                return
            victim = min(leaves, key=lambda n: n.last_used)
            assert victim.parent is not None
            del victim.parent.children[int(victim.tokens[0])]
            self._nbytes -= victim.nbytes
            self.evicted_tokens += len(victim.tokens)


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
