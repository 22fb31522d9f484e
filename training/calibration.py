"""Turn the booster's log-odds into probabilities a risk committee can read as risks.

Platt scaling on the log-odds: ``p = sigmoid(slope * raw + intercept)``, fitted on the
out-of-fold raw scores. It is monotone, so it keeps the ranking (AUC) and the set of
refused clients at the threshold; it is an affine map of the log-odds, so the SHAP
contributions (which add up to the raw log-odds) stay additive on the calibrated
log-odds scale up to that map. Resampling (under-sampling, SMOTE, class weights)
shifts the booster's scores away from the true default rate; this undoes the shift.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np


@dataclass(frozen=True)
class PlattCalibration:
    """``p = 1 / (1 + exp(-(slope * raw + intercept)))`` on the booster's log-odds."""

    slope: float = 1.0
    intercept: float = 0.0
    method: str = "platt"

    def log_odds(self, raw: np.ndarray) -> np.ndarray:
        """Calibrated log-odds of default for booster log-odds ``raw``."""
        return self.slope * np.asarray(raw, dtype=np.float64) + self.intercept

    def probability(self, raw: np.ndarray) -> np.ndarray:
        """Calibrated probability of default for booster log-odds ``raw``."""
        z = self.log_odds(raw)
        # exp of a large positive number overflows; split by sign for a stable sigmoid.
        out = np.empty_like(z)
        pos = z >= 0
        out[pos] = 1.0 / (1.0 + np.exp(-z[pos]))
        ez = np.exp(z[~pos])
        out[~pos] = ez / (1.0 + ez)
        return out

    def to_dict(self) -> dict[str, float | str]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> PlattCalibration:
        return cls(
            slope=float(data["slope"]),
            intercept=float(data["intercept"]),
            method=str(data.get("method", "platt")),
        )


def fit_platt(raw: np.ndarray, y: np.ndarray) -> PlattCalibration:
    """Fit Platt scaling by maximum likelihood (unpenalised logistic regression on ``raw``).

    Parameters
    ----------
    raw : array of shape (n,)
        Out-of-fold log-odds of the booster.
    y : array of shape (n,)
        Observed outcome (1 = default).
    """
    from sklearn.linear_model import LogisticRegression

    raw = np.asarray(raw, dtype=np.float64).reshape(-1, 1)
    lr = LogisticRegression(C=np.inf, solver="lbfgs", max_iter=1000)
    lr.fit(raw, np.asarray(y))
    slope = float(lr.coef_[0, 0])
    if slope <= 0:
        raise ValueError(
            f"calibration slope {slope:.3g} is not positive: the out-of-fold scores do not rank "
            "defaulters above non-defaulters, the model has not learnt anything"
        )
    return PlattCalibration(slope=slope, intercept=float(lr.intercept_[0]))


@dataclass(frozen=True)
class ReliabilityCurve:
    """Mean predicted probability and observed default rate per bin (equal-count bins)."""

    mean_predicted: np.ndarray
    observed_rate: np.ndarray
    count: np.ndarray


def reliability_curve(p: np.ndarray, y: np.ndarray, bins: int = 10) -> ReliabilityCurve:
    """Reliability curve on ``bins`` equal-count bins of the predicted probability.

    Equal-count bins, because probabilities of default crowd below 0.2: equal-width
    bins would leave most of the upper bins empty and put nearly everyone in the first.
    """
    p = np.asarray(p, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    order = np.argsort(p, kind="stable")
    groups = [g for g in np.array_split(order, min(bins, len(p))) if len(g)]
    return ReliabilityCurve(
        mean_predicted=np.array([p[g].mean() for g in groups]),
        observed_rate=np.array([y[g].mean() for g in groups]),
        count=np.array([len(g) for g in groups]),
    )


def expected_calibration_error(p: np.ndarray, y: np.ndarray, bins: int = 10) -> float:
    """Count-weighted mean gap between predicted and observed default rate per bin."""
    curve = reliability_curve(p, y, bins)
    weights = curve.count / curve.count.sum()
    return float(np.sum(weights * np.abs(curve.mean_predicted - curve.observed_rate)))


def brier_score(p: np.ndarray, y: np.ndarray) -> float:
    """Mean squared error of the probability against the outcome (lower is better)."""
    return float(np.mean((np.asarray(p, dtype=np.float64) - np.asarray(y)) ** 2))


def calibration_report(p: np.ndarray, y: np.ndarray, bins: int = 10) -> dict:
    """Brier score, expected calibration error and the reliability curve, as plain data."""
    curve = reliability_curve(p, y, bins)
    return {
        "brier": brier_score(p, y),
        "ece": expected_calibration_error(p, y, bins),
        "mean_predicted": float(np.mean(p)),
        "observed_rate": float(np.mean(y)),
        "curve": {
            "mean_predicted": curve.mean_predicted.tolist(),
            "observed_rate": curve.observed_rate.tolist(),
            "count": curve.count.tolist(),
        },
    }
