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


class _StderrHandler(logging.StreamHandler):
    """A handler writing to whatever ``sys.stderr`` is when a line is logged.

    Binding the stream once would keep writing to a stream that a test runner (or
    typer's ``CliRunner``) has since replaced and closed.
    """

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property
    def stream(self):  # type: ignore[override]
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:
        pass


def setup_logging(level: int = logging.INFO) -> None:
    """Send ``key=value`` log lines to stderr (idempotent)."""
    root = logging.getLogger()
    if any(isinstance(h, _StderrHandler) for h in root.handlers):
        return
    handler = _StderrHandler()
    handler.setFormatter(logging.Formatter(_FORMAT, datefmt="%Y-%m-%dT%H:%M:%S"))
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
