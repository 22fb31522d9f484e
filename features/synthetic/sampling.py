"""Small vectorised sampling helpers shared by the table generators.

Categories travel as integer codes plus their labels (:class:`Codes`), which is what
the CSV writer turns into Arrow dictionary arrays; ragged per-parent rows (months of
a credit, instalments of a loan) are built with :func:`ragged`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

#: Days in an average month, to turn day offsets into month offsets and back.
DAYS_PER_MONTH = 30.4375


@dataclass(frozen=True)
class Codes:
    """A category column: ``codes`` index ``labels``; -1 marks a missing value."""

    codes: np.ndarray
    labels: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.codes)

    def equals(self, label: str) -> np.ndarray:
        """Boolean mask of the rows holding ``label``."""
        return self.codes == self.labels.index(label)

    def take(self, index: np.ndarray) -> Codes:
        """The rows at ``index`` (for copying a parent's category to its child rows)."""
        return Codes(self.codes[index], self.labels)

    def masked(self, missing: np.ndarray) -> Codes:
        """A copy with the rows in ``missing`` set to missing."""
        return Codes(np.where(missing, -1, self.codes), self.labels)


def codes_of(labels: Sequence[str], values: np.ndarray) -> Codes:
    """Wrap integer ``values`` already indexing ``labels``."""
    return Codes(np.asarray(values, dtype=np.int16), tuple(labels))


def pick(rng: np.random.Generator, weights: Mapping[str, float], n: int) -> Codes:
    """Draw ``n`` labels with probabilities proportional to ``weights``."""
    labels = tuple(weights)
    p = np.fromiter(weights.values(), dtype=float)
    return Codes(pick_index(rng, p, n).astype(np.int16), labels)


def pick_index(rng: np.random.Generator, weights: np.ndarray, n: int) -> np.ndarray:
    """Draw ``n`` indexes into ``weights`` (one shared distribution)."""
    cdf = np.cumsum(weights, dtype=float)
    cdf /= cdf[-1]
    return np.minimum(np.searchsorted(cdf, rng.random(n), side="right"), len(cdf) - 1)


def pick_per_row(rng: np.random.Generator, probs: np.ndarray) -> np.ndarray:
    """Draw one index per row of ``probs`` (shape n x k, rows need not sum to one)."""
    cdf = np.cumsum(probs, axis=1)
    u = rng.random(len(probs)) * cdf[:, -1]
    return np.minimum((cdf <= u[:, None]).sum(axis=1), probs.shape[1] - 1)


def sigmoid(x: np.ndarray) -> np.ndarray:
    """The logistic function."""
    return 1.0 / (1.0 + np.exp(-x))


def round_to(x: np.ndarray, step: float) -> np.ndarray:
    """Round to the nearest multiple of ``step`` (amounts quoted in round figures)."""
    return np.round(np.asarray(x) / step) * step


def with_missing(values: np.ndarray, missing: np.ndarray) -> np.ndarray:
    """``values`` as floats with NaN where ``missing``."""
    return np.where(missing, np.nan, values.astype(float))


def history_counts(
    rng: np.random.Generator, has_any: float, dispersion: float, extra_mean: np.ndarray
) -> np.ndarray:
    """Rows per applicant: none for a share ``1 - has_any``, else 1 + a negative binomial.

    ``extra_mean`` (per applicant) is the mean number of rows beyond the first; the
    ``dispersion`` of the negative binomial sets how long the tail of busy applicants is.
    """
    extra = rng.negative_binomial(dispersion, dispersion / (dispersion + extra_mean))
    return np.where(rng.random(len(extra_mean)) < has_any, 1 + extra, 0)


def ragged(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Expand per-parent ``counts`` into child rows.

    Returns
    -------
    owner : ndarray, shape (counts.sum(),)
        Index of the parent of each child row.
    position : ndarray, same shape
        0-based position of the child row within its parent.
    """
    counts = np.asarray(counts, dtype=np.int64)
    owner = np.repeat(np.arange(len(counts)), counts)
    starts = np.cumsum(counts) - counts
    position = np.arange(len(owner)) - starts[owner]
    return owner, position


def group_reduce(
    ufunc: np.ufunc, values: np.ndarray, owner: np.ndarray, size: int, initial: float
) -> np.ndarray:
    """Reduce ``values`` per ``owner`` with ``ufunc`` (``np.add``, ``np.maximum``)."""
    out = np.full(size, initial, dtype=float)
    ufunc.at(out, owner, values)
    return out
