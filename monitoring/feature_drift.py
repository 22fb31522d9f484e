"""Evidently's data drift preset reduced to its drift table: each column's test runs once.

``DataDriftPreset`` runs every column's drift test three times (a ``ValueDrift`` metric per
column, whose plots it computes and then does not show; the ``DriftedColumnsCount`` behind
its header; the drift table it shows) and draws a plot per column twice. On 100 features
that is about 60% of the report's time. ``FeatureDriftPreset`` renders only the drift table
(whose header gives the number and share of drifted columns, and whose rows give each
column's test, score and distributions), and the figures the summary needs are read from
that table's cached result, so each test runs once and what the HTML shows is what the
summary says.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from evidently.core.report import _default_input_data_generator
from evidently.legacy.metrics import DataDriftTable
from evidently.presets import DataDriftPreset


class FeatureDriftPreset(DataDriftPreset):
    """``DataDriftPreset`` showing its drift table only, computed once."""

    def generate_metrics(self, context: Any) -> Sequence[Any]:
        return []

    def render(self, context: Any, child_widgets: Any = None) -> list[Any]:
        return _table(context, self.columns)[1]


def drift_table(snapshot: Any, columns: Sequence[str]) -> Any:
    """The drift table's result (``drift_by_columns``: each column's ``drift_score``,
    ``stattest_name``, ``stattest_threshold``, ``drift_detected``; ``number_of_columns``,
    ``number_of_drifted_columns``, ``share_of_drifted_columns``), from the report's cache.
    """
    return _table(snapshot.context, columns)[0]


def _table(context: Any, columns: Sequence[str] | None) -> tuple[Any, list[Any]]:
    metric = DataDriftTable(columns=list(columns) if columns is not None else None)
    return context.get_legacy_metric(metric, _default_input_data_generator, None)
