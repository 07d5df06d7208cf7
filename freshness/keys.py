"""Cache keys and in-process values derived from the content generation.

Whatever the site keeps because it is costly to compute (a rendered body, a
name matcher, the choices of an admin filter) is kept under a key that holds
the generation of the scope it was computed from. When that scope changes,
the key changes: the old entry is never asked for again and expires.
"""

from __future__ import annotations

import hashlib
import threading
import weakref
from collections.abc import Callable, Hashable
from typing import Any

from django.core.cache import cache

from freshness.generation import ContentState, content_state

DEFAULT_SECONDS = 24 * 60 * 60


def derived_key(
    namespace: str, *parts: Hashable, scope: str | None = None, state: ContentState | None = None
) -> str:
    """A cache key for `parts` under `namespace`, valid while `scope`'s generation stands.

    `scope` is an app label (`organizations` for what the registry alone
    decides); None takes the site's generation, which every content write
    moves. Pass `state` when it was read already, to save the query.
    """
    state = state if state is not None else content_state()
    material = repr((state.epoch, scope, state.of(scope), parts))
    return f"{namespace}:{hashlib.sha256(material.encode()).hexdigest()[:32]}"


def cached[T](
    namespace: str,
    compute: Callable[[], T],
    *parts: Hashable,
    scope: str | None = None,
    seconds: int = DEFAULT_SECONDS,
    state: ContentState | None = None,
) -> T:
    """`compute()`, kept in the shared cache under a key derived from the generation."""
    key = derived_key(namespace, *parts, scope=scope, state=state)
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, seconds)
    return value


_MEMOS: weakref.WeakSet[ProcessMemo] = weakref.WeakSet()


class ProcessMemo:
    """One value per process, computed again whenever its scope's generation moves.

    For values too large or too live to pickle into the shared cache (an
    automaton over every name of the registry): each app server keeps its
    own, and asking for it costs the query that reads the content state.

    Like every derived key, a value built inside a transaction that writes
    content and then rolls back could be taken for the value of a generation
    a later change reaches; nothing builds one inside a writing transaction.
    """

    def __init__(self, build: Callable[[], Any], *, scope: str | None = None) -> None:
        self.build = build
        self.scope = scope
        self._lock = threading.Lock()
        self._value: tuple[tuple, Any] | None = None
        _MEMOS.add(self)

    def get(self) -> Any:
        state = content_state()
        key = (state.epoch, state.of(self.scope))
        held = self._value
        if held is not None and held[0] == key:
            return held[1]
        with self._lock:
            if self._value is not None and self._value[0] == key:
                return self._value[1]
            value = self.build()
            self._value = (key, value)
            return value

    def forget(self) -> None:
        """Drop the value held; the next `get` builds it again."""
        with self._lock:
            self._value = None


def forget_process_memos() -> None:
    """Drop every value held in this process (tests that roll back the database need this)."""
    for memo in list(_MEMOS):
        memo.forget()
