"""Adaptive batching for single-row requests: BentoML's dispatcher, fed one row at a time.

BentoML batches an API only when its argument is a list; ``/score`` takes one client per
request. ``RowBatcher`` puts each request's row on BentoML's own adaptive dispatcher
(``CorkDispatcher``, the one behind ``batchable=True``), which learns from traffic how
long to wait and releases a batch to one call of the scoring function; each request gets
its own answer back. Pinned to BentoML 1.4 (``pyproject.toml``), where the class lives.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

from bentoml._internal.marshal.dispatcher import CorkDispatcher
from bentoml.exceptions import ServiceUnavailable

Item = TypeVar("Item")
Answer = TypeVar("Answer")


def _overloaded() -> None:
    raise ServiceUnavailable("the scoring queue is over its latency limit; retry shortly")


class RowBatcher(Generic[Item, Answer]):
    """Await ``batcher(item)``; items queued together go through one ``score_many`` call.

    Parameters
    ----------
    score_many : callable
        Takes a list of items, returns one answer per item in order (runs in a thread).
    max_rows : int
        Largest batch.
    max_latency_ms : int
        A request expected to wait longer than this is refused (503).
    """

    def __init__(
        self,
        score_many: Callable[[list[Item]], Sequence[Answer]],
        *,
        max_rows: int,
        max_latency_ms: int,
    ) -> None:
        self._dispatcher = CorkDispatcher(
            max_latency_in_ms=max_latency_ms,
            max_batch_size=max_rows,
            fallback=_overloaded,
            get_batch_size=lambda _item: 1,
        )

        def run(items: Sequence[Item]) -> Sequence[Answer]:
            return score_many(list(items))

        self._call = self._dispatcher(run)

    async def __call__(self, item: Item) -> Answer:
        return await self._call(item)
