"""The service's own Prometheus metrics, beside BentoML's request metrics on ``/metrics``.

- ``credit_score_probability``: histogram of the probabilities of default served;
- ``credit_decisions_total{decision="granted"|"refused"}``: decisions served;
- ``credit_explain_duration_seconds``: time to compute an explanation;
- ``credit_model_info{version, threshold, ...}``: the served model (an info metric).

No label carries a client identifier or a personal value: the only labels are the
decision (two values) and the model's description.

``prometheus_client`` is imported inside functions on purpose: BentoML's workers set
``PROMETHEUS_MULTIPROC_DIR`` after importing the service module, and prometheus_client
chooses its multiprocess mode when first imported. The info metric is kept in a private
registry and appended to BentoML's exposition by the service's ``__metrics__`` hook,
because multiprocess mode cannot aggregate info metrics.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

#: Probability buckets: dense at the low end, where the threshold of a credit model sits.
SCORE_BUCKETS = (0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1.0)
#: Explanation latency buckets, seconds.
EXPLAIN_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.02, 0.03, 0.05, 0.1, 0.25, 0.5, 1.0)


@functools.cache
def _collectors() -> dict[str, Any]:
    """The process's collectors, created once (a second registration would fail)."""
    from prometheus_client import Counter, Histogram

    return {
        "scores": Histogram(
            "credit_score_probability",
            "Probability of default of each scored client",
            buckets=SCORE_BUCKETS,
        ),
        "decisions": Counter(
            "credit_decisions_total", "Credit decisions served, by outcome", ["decision"]
        ),
        "explain": Histogram(
            "credit_explain_duration_seconds",
            "Time to compute one SHAP explanation",
            buckets=EXPLAIN_BUCKETS,
        ),
    }


class ServiceMetrics:
    """Record scores, decisions and explanation times; describe the served model.

    Parameters
    ----------
    model_info : dict of str to str
        The served model's description (version, threshold, ...), shown as
        ``credit_model_info``.
    """

    def __init__(self, model_info: dict[str, str]) -> None:
        from prometheus_client import CollectorRegistry, Info

        self._collectors = _collectors()
        self._info_registry = CollectorRegistry()
        info = Info(
            "credit_model", "The credit model this process serves", registry=self._info_registry
        )
        info.info(model_info)

    def observe_scores(self, probabilities: np.ndarray, refused: np.ndarray) -> None:
        """Count each served score (histogram) and decision (by outcome), per batch.

        A batch costs one update per histogram bucket, not one per score: in BentoML's
        multiprocess mode each update is a write to a shared memory-mapped file.
        """
        observe_many(self._collectors["scores"], np.asarray(probabilities, dtype=np.float64))
        counter = self._collectors["decisions"]
        n_refused = int(np.count_nonzero(refused))
        for outcome, count in (("granted", len(refused) - n_refused), ("refused", n_refused)):
            if count:
                counter.labels(decision=outcome).inc(count)

    @contextmanager
    def time_explanation(self) -> Iterator[None]:
        """Observe the duration of the enclosed explanation."""
        start = time.perf_counter()
        try:
            yield
        finally:
            self._collectors["explain"].observe(time.perf_counter() - start)

    def exposition(self, bentoml_text: str) -> str:
        """BentoML's metrics text followed by the model info metric."""
        from prometheus_client import generate_latest

        return bentoml_text + generate_latest(self._info_registry).decode("utf-8")


def observe_many(histogram: Any, values: np.ndarray) -> None:
    """``histogram.observe(v)`` for every ``v`` in ``values``, as one update per bucket.

    prometheus_client has no batch observe; this fills the same per-bucket counts and sum
    that ``observe`` would (bucket ``le`` is inclusive; the last is ``+Inf``). It uses the
    histogram's bucket values, private in prometheus_client 0.2x (pinned in ``uv.lock``);
    ``tests/test_service_metrics.py`` checks it against ``observe`` value by value.
    """
    if len(values) == 0:
        return
    bounds = np.asarray(histogram._upper_bounds, dtype=np.float64)
    numbers = values[~np.isnan(values)]  # observe(nan) counts in no bucket
    counts = np.bincount(np.searchsorted(bounds, numbers, side="left"), minlength=len(bounds))
    for bucket, count in zip(histogram._buckets, counts.tolist(), strict=True):
        if count:
            bucket.inc(count)
    histogram._sum.inc(float(values.sum()))
