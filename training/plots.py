"""The methodology note's figures (matplotlib, PNG), one function per figure.

Each function takes plain arrays and a path and writes one PNG; colours are the
Okabe-Ito palette, readable by colour-blind readers and in grey print.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

BLUE, ORANGE, GREEN, VERMILION, GREY = "#0072B2", "#E69F00", "#009E73", "#D55E00", "#999999"


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({"figure.dpi": 110, "font.size": 9, "axes.spines.top": False,
                         "axes.spines.right": False})  # fmt: skip
    return plt


def _save(fig, path: Path) -> Path:
    if fig.get_layout_engine() is None:
        fig.tight_layout()
    fig.savefig(path, format="png")
    fig.clf()
    import matplotlib.pyplot as plt

    plt.close(fig)
    return path


def cost_curve_plot(
    scores: np.ndarray, cost: np.ndarray, threshold: float, cost_refuse_none: float, path: Path
) -> Path:
    """Business cost per application against the refusal threshold."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6, 3.4))
    order = np.argsort(scores)
    ax.plot(scores[order], cost[order], color=BLUE, lw=1.5, label="cost when refusing p ≥ t")
    ax.axhline(cost_refuse_none, color=GREY, ls=":", lw=1, label="refuse nobody")
    ax.axvline(threshold, color=VERMILION, ls="--", lw=1, label=f"chosen t = {threshold:.3f}")
    ax.axvline(0.5, color=ORANGE, ls="-.", lw=1, label="t = 0.5")
    ax.set_xlim(0, min(1.0, max(0.6, float(np.quantile(scores, 0.999)))))
    ax.set_ylim(0, max(cost_refuse_none * 1.3, float(np.min(cost)) * 2))
    ax.set_xlabel("threshold t on the calibrated probability of default")
    ax.set_ylabel("cost per application")
    ax.legend(frameon=False, fontsize=8)
    return _save(fig, path)


def roc_plot(fpr: np.ndarray, tpr: np.ndarray, auc: float, point: tuple[float, float],
             path: Path) -> Path:  # fmt: skip
    """ROC curve of the out-of-fold predictions, with the chosen operating point."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(4, 4))
    ax.plot(fpr, tpr, color=BLUE, lw=1.5, label=f"out-of-fold, AUC = {auc:.3f}")
    ax.plot([0, 1], [0, 1], color=GREY, ls=":", lw=1, label="chance")
    ax.plot(*point, "o", color=VERMILION, label="chosen threshold")
    ax.set_xlabel("share of good clients refused (FPR)")
    ax.set_ylabel("share of defaulters refused (recall)")
    ax.legend(frameon=False, fontsize=8, loc="lower right")
    return _save(fig, path)


def reliability_plot(before: dict, after: dict, path: Path) -> Path:
    """Observed default rate against predicted probability, before and after calibration."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(4.4, 4))
    top = max(max(before["curve"]["mean_predicted"]), max(after["curve"]["mean_predicted"]),
              max(after["curve"]["observed_rate"]))  # fmt: skip
    ax.plot([0, top], [0, top], color=GREY, ls=":", lw=1, label="perfect calibration")
    for report, colour, name in ((before, ORANGE, "before"), (after, BLUE, "after")):
        curve = report["curve"]
        ax.plot(curve["mean_predicted"], curve["observed_rate"], "o-", color=colour, ms=3,
                label=f"{name} (ECE {report['ece']:.3f})")  # fmt: skip
    ax.set_xlabel("mean predicted probability (decile of clients)")
    ax.set_ylabel("observed default rate")
    ax.legend(frameon=False, fontsize=8)
    return _save(fig, path)


def shap_summary_plot(
    contributions: np.ndarray, values: np.ndarray, labels: list[str], path: Path
) -> Path:
    """Beeswarm-style summary: each dot a client, x its SHAP value, colour its feature rank.

    ``contributions`` and ``values`` have shape (n, k) for the k features shown, most
    important first.
    """
    plt = _pyplot()
    k = len(labels)
    fig, ax = plt.subplots(figsize=(7, 0.35 * k + 1.2), layout="constrained")
    rng = np.random.default_rng(0)
    cmap = plt.get_cmap("coolwarm")
    for row in range(k):
        x, v = contributions[:, row], values[:, row]
        known = ~np.isnan(v)
        rank = np.full(len(v), np.nan)
        if known.any():
            order = v[known].argsort().argsort()
            rank[known] = order / max(1, known.sum() - 1)
        y = k - 1 - row + rng.uniform(-0.3, 0.3, len(x))
        ax.scatter(x[~known], y[~known], s=4, color=GREY, alpha=0.5, lw=0)
        ax.scatter(x[known], y[known], s=4, c=rank[known], cmap=cmap, vmin=0, vmax=1,
                   alpha=0.7, lw=0)  # fmt: skip
    ax.axvline(0, color=GREY, lw=0.8)
    ax.set_yticks(range(k))
    ax.set_yticklabels(list(reversed(labels)))
    ax.set_xlabel("SHAP contribution to the log-odds of default (right = riskier)")
    sm = plt.cm.ScalarMappable(cmap=cmap)
    bar = fig.colorbar(sm, ax=ax, fraction=0.03, pad=0.01)
    bar.set_ticks([0, 1])
    bar.set_ticklabels(["low value", "high value"])
    return _save(fig, path)


def local_explanation_plot(labels: list[str], contributions: list[float], title: str,
                           path: Path) -> Path:  # fmt: skip
    """Horizontal bars of one client's top contributions (red raises, green lowers risk)."""
    plt = _pyplot()
    k = len(labels)
    fig, ax = plt.subplots(figsize=(6.5, 0.32 * k + 1.0))
    colours = [VERMILION if c > 0 else GREEN for c in contributions]
    ax.barh(range(k), contributions[::-1], color=colours[::-1])
    ax.set_yticks(range(k))
    ax.set_yticklabels(labels[::-1])
    ax.axvline(0, color=GREY, lw=0.8)
    ax.set_xlabel("contribution to the log-odds of default")
    ax.set_title(title, fontsize=9)
    return _save(fig, path)
