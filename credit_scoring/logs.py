"""Structured log lines and progress bars, one style for every stage.

Log lines are ``key=value`` pairs on stderr, so that they read well in a terminal
and parse in a log pipeline. Progress bars (tqdm) go to stderr too, so that the
standard output of a command stays free for its result.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable, Iterator
from typing import TypeVar

from tqdm.auto import tqdm

T = TypeVar("T")

_FORMAT = "%(asctime)s level=%(levelname)s logger=%(name)s %(message)s"


def setup_logging(level: int = logging.INFO) -> None:
    """Send ``key=value`` log lines to stderr (idempotent)."""
    root = logging.getLogger()
    if any(getattr(h, "_credit_scoring", False) for h in root.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(_FORMAT, datefmt="%Y-%m-%dT%H:%M:%S"))
    handler._credit_scoring = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)


def get_logger(name: str) -> logging.Logger:
    """A logger for ``name`` (usually ``__name__``)."""
    return logging.getLogger(name)


def progress(
    items: Iterable[T],
    *,
    desc: str,
    total: int | None = None,
    enabled: bool = True,
    unit: str = "it",
) -> Iterator[T]:
    """Iterate over ``items`` with a progress bar on stderr when ``enabled``."""
    bar = tqdm(
        items,
        desc=desc,
        total=total,
        unit=unit,
        disable=not enabled,
        file=sys.stderr,
        dynamic_ncols=True,
        leave=False,
    )
    yield from bar
