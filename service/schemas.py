"""The API's request and response bodies (Pydantic), with examples for the OpenAPI document.

Every check of what a caller sends happens here, while BentoML parses the request, so
that each HTTP request fails on its own (a 400 naming the field, or a 404 for an
unknown client) before adaptive batching merges it with others. Checks that need the
served model (feature names) or the known clients use the ``Catalogue`` the service
binds at start-up with ``bind_catalogue``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from features.raw_schema import HISTORY_TABLES, TABLES
from service.clients import UnknownClientError

#: Largest batch a caller may send to ``/score_batch``.
MAX_BATCH_ITEMS = 1_000
#: Most features a top-k explanation lists.
MAX_TOP_K = 50
#: Largest whole number a raw integer column takes (exact in float64, fits in int64).
MAX_WHOLE = 2**53
#: Most rows per history table in ``/score_application`` (a long client has a few hundred).
MAX_HISTORY_ROWS = 20_000

Decision = Literal["granted", "refused"]
#: A feature value: a finite number, or null for "missing" (the model handles missing values).
FeatureValue = Annotated[float, Field(strict=True, allow_inf_nan=False)] | None
ClientId = Annotated[int, Field(strict=True, ge=0, description="SK_ID_CURR of a known client")]
#: A raw cell of an application or history row: text, number, or null.
RawValue = (
    Annotated[str, Field(max_length=200)] | Annotated[float, Field(allow_inf_nan=False)] | None
)


@dataclass(frozen=True)
class Catalogue:
    """What the served model and client store know: feature names and client IDs."""

    feature_names: frozenset[str]
    is_known_client: Callable[[int], bool]


_catalogue: Catalogue | None = None
#: Raised for an unknown client; the service replaces it with its HTTP 404 error type.
_not_found: type[Exception] = UnknownClientError


def bind_catalogue(catalogue: Catalogue | None, not_found: type[Exception] | None = None) -> None:
    """Check requests against ``catalogue`` from now on (``None``: types only).

    ``not_found`` is the exception raised for an unknown client (built with the ID); it
    must not be a ``ValueError``, so that Pydantic lets it through instead of making a 400.
    """
    global _catalogue, _not_found
    _catalogue = catalogue
    _not_found = not_found or UnknownClientError


def _check_client(client_id: int | None) -> int | None:
    if (
        client_id is not None
        and _catalogue is not None
        and not _catalogue.is_known_client(client_id)
    ):
        raise _not_found(client_id)
    return client_id


def _check_features(features: dict[str, float | None] | None) -> dict[str, float | None] | None:
    if features is not None and _catalogue is not None:
        unknown = sorted(name for name in features if name not in _catalogue.feature_names)
        if unknown:
            shown = ", ".join(repr(n) for n in unknown[:10])
            more = f" and {len(unknown) - 10} more" if len(unknown) > 10 else ""
            raise ValueError(
                f"unknown feature name(s) {shown}{more}: the model's features are listed in "
                "its manifest"
            )
    return features


class _ClientOrFeatures(BaseModel):
    """A client given by ID, or by a feature record (missing features: null or absent)."""

    model_config = ConfigDict(extra="forbid")

    client_id: ClientId | None = Field(
        default=None, description="SK_ID_CURR of a known client", examples=[100002]
    )
    features: dict[str, FeatureValue] | None = Field(
        default=None,
        description="Feature values by name; absent or null means missing",
        examples=[{"EXT_SOURCE_2": 0.262, "EXT_SOURCE_3": 0.139, "DAYS_BIRTH": -9461}],
    )

    _validate_features = field_validator("features")(_check_features)

    @model_validator(mode="after")
    def _exactly_one_known(self) -> _ClientOrFeatures:
        # The client is looked up only once the request is otherwise valid (a 400 first).
        if (self.client_id is None) == (self.features is None):
            raise ValueError("give exactly one of 'client_id' or 'features'")
        _check_client(self.client_id)
        return self


class ScoreRequest(_ClientOrFeatures):
    """One client to score."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"example": {"client_id": 100002}},
    )


class ExplainRequest(_ClientOrFeatures):
    """One client to explain, and how many features to list."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"example": {"client_id": 100002, "top_k": 10}},
    )

    top_k: Annotated[int, Field(strict=True, ge=1, le=MAX_TOP_K)] = Field(
        default=10, description="How many features to list, by absolute contribution"
    )


class ClientRequest(BaseModel):
    """A known client whose information to show."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"example": {"client_id": 100002}})

    client_id: ClientId

    _validate_client = field_validator("client_id")(_check_client)


def _check_columns(table: str, row: dict[str, Any], where: str) -> None:
    """Unknown columns and values of the wrong kind, named."""
    kinds = dict(TABLES[table])
    for column, value in row.items():
        kind = kinds.get(column)
        if kind is None:
            raise ValueError(f"{where}: unknown column {column!r} for table {table!r}")
        if value is None:
            continue
        if kind == "str" and not isinstance(value, str):
            raise ValueError(f"{where}: column {column!r} must be text, got {value!r}")
        if kind in ("int", "float") and (isinstance(value, str | bool)):
            raise ValueError(f"{where}: column {column!r} must be a number, got {value!r}")
        if kind == "int" and isinstance(value, float) and not value.is_integer():
            raise ValueError(f"{where}: column {column!r} must be a whole number, got {value!r}")
        if kind == "int" and abs(value) > MAX_WHOLE:
            raise ValueError(f"{where}: column {column!r} is out of range: {value!r}")


HistoryTable = Literal[
    "bureau",
    "bureau_balance",
    "previous_application",
    "POS_CASH_balance",
    "installments_payments",
    "credit_card_balance",
]
assert set(HistoryTable.__args__) == set(HISTORY_TABLES)  # type: ignore[attr-defined]


class ApplicationRequest(BaseModel):
    """A new applicant's raw rows, in Kaggle's column names.

    ``application`` is one row of ``application_test``'s columns (absent ones are missing);
    ``history`` maps each history table to its rows for this applicant (absent: none).
    """

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "example": {
                "application": {
                    "SK_ID_CURR": 900001,
                    "NAME_CONTRACT_TYPE": "Cash loans",
                    "CODE_GENDER": "F",
                    "AMT_INCOME_TOTAL": 135000.0,
                    "AMT_CREDIT": 568800.0,
                    "AMT_ANNUITY": 20560.5,
                    "AMT_GOODS_PRICE": 450000.0,
                    "DAYS_BIRTH": -19241,
                    "DAYS_EMPLOYED": -2329,
                    "EXT_SOURCE_2": 0.79,
                    "EXT_SOURCE_3": 0.16,
                },
                "history": {
                    "bureau": [
                        {
                            "SK_ID_CURR": 900001,
                            "SK_ID_BUREAU": 5000001,
                            "CREDIT_ACTIVE": "Closed",
                            "DAYS_CREDIT": -857,
                            "AMT_CREDIT_SUM": 45000.0,
                        }
                    ]
                },
            }
        },
    )

    application: dict[str, RawValue] = Field(description="The application row")
    history: dict[
        HistoryTable, Annotated[list[dict[str, RawValue]], Field(max_length=MAX_HISTORY_ROWS)]
    ] = Field(default_factory=dict, description="History rows by table name")

    @field_validator("application")
    @classmethod
    def _known_application_columns(cls, row: dict[str, Any]) -> dict[str, Any]:
        _check_columns("application_test", row, "application")
        return row

    @field_validator("history")
    @classmethod
    def _known_history_columns(cls, history: dict[str, list[dict[str, Any]]]) -> dict:
        for table, rows in history.items():
            for position, row in enumerate(rows):
                _check_columns(table, row, f"history.{table}[{position}]")
        return history


class ScoreResponse(BaseModel):
    """A score and the decision it leads to."""

    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "client_id": 100002,
                "probability": 0.142,
                "decision": "refused",
                "threshold": 0.09,
                "model_version": "20261122103000_ab12cd",
            }
        }
    )

    client_id: int | None = Field(description="SK_ID_CURR, or null for a feature record")
    probability: float = Field(description="Calibrated probability of default, 0..1")
    decision: Decision = Field(description="refused when probability >= threshold")
    threshold: float = Field(description="The bank's limit on the probability of default")
    model_version: str


class Contribution(BaseModel):
    """One feature's share of the score (SHAP, on the log-odds scale)."""

    feature: str
    label: str = Field(description="The feature in plain words")
    value: float | None = Field(description="The client's value (null: missing)")
    display_value: str = Field(description="The value in human units")
    contribution: float = Field(description="SHAP value: + raises the risk, - lowers it")
    direction: Literal["raises the risk", "lowers the risk"]


class ExplainResponse(ScoreResponse):
    """Why the model gave this score: the top features' contributions and reasons.

    ``base_value + sum of every feature's contribution == raw_score`` (log-odds); the
    listed ``contributions`` are the ``top_k`` largest, ``other_contribution`` the rest.
    """

    base_value: float = Field(description="The model's average log-odds")
    raw_score: float = Field(description="The booster's log-odds for this client")
    contributions: list[Contribution]
    other_contribution: float = Field(description="Sum of the features not listed")
    reasons: list[str] = Field(description="Up to four plain-language reasons", max_length=4)


class ClientField(BaseModel):
    name: str = Field(description="Source column or feature name")
    label: str
    value: str = Field(description="Formatted for people; 'not provided' when missing")


class ClientGroup(BaseModel):
    title: str
    fields: list[ClientField]


class ClientResponse(BaseModel):
    """A known client's descriptive information, grouped, in human units."""

    client_id: int
    groups: list[ClientGroup]
