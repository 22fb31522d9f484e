"""The service's Prometheus metrics: a batch counts exactly what one-by-one observes would."""

from __future__ import annotations

import numpy as np
import pytest
from prometheus_client import CollectorRegistry, Histogram

from service.metrics import SCORE_BUCKETS, observe_many


def _samples(histogram: Histogram) -> dict[tuple[str, str], float]:
    (metric,) = histogram.collect()
    return {
        (s.name, s.labels.get("le", "")): s.value
        for s in metric.samples
        if not s.name.endswith("_created")
    }


@pytest.mark.parametrize(
    "values",
    [
        np.array([0.0, 0.01, 0.010001, 0.3, 0.5, 0.99, 1.0, 1.5]),  # edges are inclusive
        np.random.default_rng(0).beta(1, 9, size=1000),
        np.array([]),
    ],
    ids=["bucket-edges", "beta-1000", "empty"],
)
def test_observe_many_equals_observing_one_by_one(values: np.ndarray) -> None:
    one, many = CollectorRegistry(), CollectorRegistry()
    expected = Histogram("scores", "one by one", buckets=SCORE_BUCKETS, registry=one)
    got = Histogram("scores", "in one batch", buckets=SCORE_BUCKETS, registry=many)
    for value in values:
        expected.observe(float(value))
    observe_many(got, values)
    want = _samples(expected)
    assert _samples(got).keys() == want.keys()
    for key, value in _samples(got).items():
        assert value == pytest.approx(want[key], rel=1e-12), key
