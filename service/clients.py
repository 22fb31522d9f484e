"""The known clients: their features, raw application rows and scores, loaded once.

The service answers ``/score``, ``/explain`` and ``/client`` by ``client_id`` from here, and
the dashboard finds clients (by ID or by descriptive filters) and compares them with the
population from here too, in-process. Features are kept as one float64 matrix in the
model's feature order, so that a lookup costs an index, not a DataFrame filter.

The population's scores are predicted once, at start-up, through ``service.scoring``
(the one scoring path), and kept beside the rows for the dashboard's compare view.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

#: The files of a feature folder this module reads (written by ``features.build``).
TRAIN_FILE = "train.parquet"
TEST_FILE = "test.parquet"
APPLICATIONS_FILE = "applications.parquet"
MANIFEST_FILE = "manifest.json"

ID_COLUMN = "SK_ID_CURR"
#: Descriptive columns of ``applications.parquet`` the filters and the client list use.
DESCRIPTIVE_COLUMNS = (
    "CODE_GENDER",
    "DAYS_BIRTH",
    "NAME_FAMILY_STATUS",
    "NAME_INCOME_TYPE",
    "NAME_CONTRACT_TYPE",
    "AMT_CREDIT",
    "AMT_INCOME_TOTAL",
)
_DAYS_PER_YEAR = 365.25

Decision = Literal["granted", "refused"]


class UnknownClientError(LookupError):
    """A ``client_id`` that is in none of the feature tables (the API answers 404)."""

    def __init__(self, client_id: int) -> None:
        self.client_id = client_id
        super().__init__(f"client_id {client_id} is not a known client")


class FeatureFolderError(FileNotFoundError):
    """A feature folder without the files ``features.build`` writes."""


@dataclass(frozen=True)
class ClientFilter:
    """Descriptive criteria to find clients; ``None`` means "any".

    Ages are in years, amounts in the data's currency; ranges include their bounds.
    """

    gender: str | None = None
    age_min: float | None = None
    age_max: float | None = None
    family_status: str | None = None
    income_type: str | None = None
    contract_type: str | None = None
    credit_min: float | None = None
    credit_max: float | None = None
    decision: Decision | None = None


class ClientStore:
    """Feature rows, application rows and population scores of the known clients.

    Parameters
    ----------
    ids : array of shape (n,)
        ``SK_ID_CURR`` of each row, unique.
    matrix : array of shape (n, n_features)
        float64 features in ``feature_names`` order (NaN = missing).
    feature_names : list of str
        The model's features, in its order.
    applications : DataFrame
        Raw application rows (``SK_ID_CURR``, Kaggle's columns, ``SPLIT``).
    manifest : dict
        The feature manifest (labels and units).
    """

    def __init__(
        self,
        ids: np.ndarray,
        matrix: np.ndarray,
        feature_names: Sequence[str],
        applications: pd.DataFrame,
        manifest: dict,
    ) -> None:
        self.ids = np.asarray(ids, dtype=np.int64)
        self.matrix = matrix
        self.feature_names = list(feature_names)
        self.manifest = manifest
        self._row = {int(client_id): i for i, client_id in enumerate(self.ids)}
        self.applications = applications.set_index(ID_COLUMN, drop=False)
        self.scores: pd.DataFrame = pd.DataFrame(
            {"probability": np.full(len(self.ids), np.nan), "decision": None}, index=self.ids
        )

    # --- loading
    @classmethod
    def load(cls, folder: Path, feature_names: Sequence[str]) -> ClientStore:
        """Read the feature tables of ``folder`` (train, test, applications, manifest).

        Raises ``FeatureFolderError`` naming the first missing file, and ``ValueError``
        naming model features absent from the tables.
        """
        folder = Path(folder)
        for name in (TRAIN_FILE, TEST_FILE, APPLICATIONS_FILE, MANIFEST_FILE):
            if not (folder / name).is_file():
                raise FeatureFolderError(
                    f"{folder / name} not found: build the feature tables with "
                    "`credit-scoring features` (or set CREDIT_FEATURES_DIR)"
                )
        columns = [ID_COLUMN, *feature_names]
        frames = [pd.read_parquet(folder / name) for name in (TRAIN_FILE, TEST_FILE)]
        for name, frame in zip((TRAIN_FILE, TEST_FILE), frames, strict=True):
            missing = [c for c in columns if c not in frame.columns]
            if missing:
                raise ValueError(
                    f"{folder / name} lacks {len(missing)} model feature(s), e.g. {missing[:5]}: "
                    "the table and the model come from different feature builds"
                )
        table = pd.concat([frame[columns] for frame in frames], ignore_index=True)
        duplicated = table[ID_COLUMN].duplicated()
        if duplicated.any():
            raise ValueError(
                f"{ID_COLUMN} {int(table[ID_COLUMN][duplicated].iloc[0])} appears twice in {folder}"
            )
        matrix = table[list(feature_names)].to_numpy(dtype=np.float64, na_value=np.nan)
        applications = pd.read_parquet(folder / APPLICATIONS_FILE)
        manifest = json.loads((folder / MANIFEST_FILE).read_text())
        return cls(table[ID_COLUMN].to_numpy(), matrix, feature_names, applications, manifest)

    # --- lookups
    def __len__(self) -> int:
        return len(self.ids)

    def __contains__(self, client_id: object) -> bool:
        if type(client_id) is int:  # the API's case, checked for every client of a batch
            return client_id in self._row
        return isinstance(client_id, np.integer) and int(client_id) in self._row

    def row_index(self, client_id: int) -> int:
        """Position of ``client_id`` in ``matrix``; raises ``UnknownClientError``."""
        try:
            return self._row[int(client_id)]
        except (KeyError, TypeError, ValueError):
            raise UnknownClientError(client_id) from None

    def feature_vector(self, client_id: int) -> np.ndarray:
        """The client's features, shape (n_features,), model order."""
        return self.matrix[self.row_index(client_id)]

    def features(self, client_ids: Iterable[int]) -> pd.DataFrame:
        """Feature rows of ``client_ids`` (model order, indexed by ``SK_ID_CURR``)."""
        ids = [int(c) for c in client_ids]
        rows = [self.row_index(c) for c in ids]
        return pd.DataFrame(
            self.matrix[rows], columns=self.feature_names, index=pd.Index(ids, name=ID_COLUMN)
        )

    def frame(self) -> pd.DataFrame:
        """Every client's features, indexed by ``SK_ID_CURR`` (for distributions, neighbours)."""
        return pd.DataFrame(
            self.matrix, columns=self.feature_names, index=pd.Index(self.ids, name=ID_COLUMN)
        )

    def application(self, client_id: int) -> dict:
        """The client's raw application row as a dict (Kaggle's column names)."""
        self.row_index(client_id)
        if int(client_id) not in self.applications.index:
            raise UnknownClientError(client_id)
        return self.applications.loc[int(client_id)].to_dict()

    # --- population scores
    def set_scores(self, probability: Sequence[float], decision: Sequence[str]) -> None:
        """Keep every client's probability of default and decision (row order), as
        ``service.scoring.score`` gave them."""
        if len(probability) != len(self.ids) or len(decision) != len(self.ids):
            raise ValueError(
                f"expected {len(self.ids)} scores, got {len(probability)} and {len(decision)}"
            )
        self.scores = pd.DataFrame(
            {"probability": np.asarray(probability, dtype=np.float64), "decision": list(decision)},
            index=self.ids,
        )

    # --- finding clients
    def descriptive(self) -> pd.DataFrame:
        """One row per client: ID, age in years, descriptive fields, probability, decision."""
        apps = self.applications.reindex(self.ids)
        table = pd.DataFrame({ID_COLUMN: self.ids}, index=pd.Index(self.ids, name="client_id"))
        for column in DESCRIPTIVE_COLUMNS:
            table[column] = apps[column].to_numpy() if column in apps.columns else None
        table["AGE_YEARS"] = -pd.to_numeric(table["DAYS_BIRTH"]) / _DAYS_PER_YEAR
        table["probability"] = self.scores["probability"].to_numpy()
        table["decision"] = self.scores["decision"].to_numpy()
        return table

    def filter(self, criteria: ClientFilter, *, limit: int | None = None) -> pd.DataFrame:
        """Clients matching every given criterion, in ``SK_ID_CURR`` order (see ``descriptive``)."""
        table = self.descriptive()
        keep = pd.Series(True, index=table.index)
        equal = {
            "CODE_GENDER": criteria.gender,
            "NAME_FAMILY_STATUS": criteria.family_status,
            "NAME_INCOME_TYPE": criteria.income_type,
            "NAME_CONTRACT_TYPE": criteria.contract_type,
            "decision": criteria.decision,
        }
        for column, wanted in equal.items():
            if wanted is not None:
                keep &= table[column] == wanted
        ranges = {
            "AGE_YEARS": (criteria.age_min, criteria.age_max),
            "AMT_CREDIT": (criteria.credit_min, criteria.credit_max),
        }
        for column, (low, high) in ranges.items():
            values = pd.to_numeric(table[column])
            if low is not None:
                keep &= values >= low
            if high is not None:
                keep &= values <= high
        found = table[keep].sort_values(ID_COLUMN)
        return found if limit is None else found.head(limit)

    def options(self) -> dict[str, list[str]]:
        """The values each categorical filter can take (for drop-downs), sorted."""
        names = {
            "gender": "CODE_GENDER",
            "family_status": "NAME_FAMILY_STATUS",
            "income_type": "NAME_INCOME_TYPE",
            "contract_type": "NAME_CONTRACT_TYPE",
        }
        out = {}
        for key, column in names.items():
            if column in self.applications.columns:
                values = self.applications[column].dropna().astype(str).unique()
                out[key] = sorted(values)
            else:
                out[key] = []
        out["decision"] = ["granted", "refused"]
        return out
