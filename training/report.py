"""The methodology note: ``note.md`` and a self-contained ``note.html`` per model version.

Everything in it is measured in the training run that writes it: the figures come
from the out-of-fold predictions and the stored model, the explanations from
``service.scoring`` (the path the API and the dashboard use). The prose lives in
``templates/note.md.j2``; this module gathers the numbers and draws the plots.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import re
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd

from service import scoring
from training import plots
from training.cost import CostMatrix, best_threshold, cost_curve
from training.data import FeatureTable

TEMPLATES = Path(__file__).parent / "templates"
#: Applicants whose SHAP values make the global summary.
SHAP_ROWS = 2_000
TOP_FEATURES = 15
LOCAL_TOP_K = 10
#: Cost ratios of the sensitivity table (c_fn / c_fp).
SENSITIVITY_RATIOS = (5.0, 10.0, 20.0)

_CSS = """
body { font-family: -apple-system, 'Segoe UI', Roboto, sans-serif; max-width: 54rem;
       margin: 2rem auto; padding: 0 1rem; color: #1a1a1a; line-height: 1.45; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.2rem; margin-top: 2rem;
       border-bottom: 1px solid #ddd; } h3 { font-size: 1rem; }
table { border-collapse: collapse; margin: 0.6rem 0; font-size: 0.9rem; }
th, td { border: 1px solid #ccc; padding: 0.2rem 0.5rem; text-align: left; }
th { background: #f3f3f3; } img { max-width: 100%; } code { font-size: 0.85em; }
pre { background: #f6f6f6; padding: 0.5rem; }
@media print { h2 { page-break-after: avoid; } img { page-break-inside: avoid; } }
"""


def human_label(spec: dict) -> str:
    """The manifest label with its unit, e.g. "Age (years)"."""
    label = str(spec.get("label") or spec.get("name"))
    unit = spec.get("unit") or ""
    return f"{label} ({unit})" if unit and unit not in label else label


def _pct(value: float, digits: int = 0) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "n/a"
    return f"{100 * value:.{digits}f} %"


def _num(value: float) -> str:
    return f"{value:g}"


def _global_shap(model, table: FeatureTable, seed: int, folder: Path) -> tuple[list, float, int]:
    """Top features by mean |SHAP| on a sample of training rows, and their summary plot."""
    rng = np.random.default_rng(seed)
    n = len(table.y)
    rows = np.sort(rng.choice(n, size=min(n, SHAP_ROWS), replace=False))
    sample = table.X.iloc[rows]
    base, contributions = scoring.shap_values(model, sample)
    mean_abs = np.abs(contributions).mean(axis=0)
    top = np.argsort(-mean_abs)[:TOP_FEATURES]
    specs = scoring.feature_specs(model.manifest)
    # In the unit people read (years, not negative days), so colours and words agree.
    scales = [float(specs.get(n, {}).get("display_scale") or 1.0) for n in model.feature_names]
    values = sample.to_numpy(dtype=np.float64) * np.array(scales)
    features = []
    for i in top:
        name = model.feature_names[i]
        features.append(
            {
                "name": name,
                "label": human_label(specs.get(name, {"name": name})),
                "mean_abs": float(mean_abs[i]),
                "reading": _reading(values[:, i], contributions[:, i]),
            }
        )
    plots.shap_summary_plot(
        contributions[:, top], values[:, top], [f["label"] for f in features],
        folder / "shap_summary.png",
    )  # fmt: skip
    return features, base, len(rows)


def _reading(values: np.ndarray, contributions: np.ndarray) -> str:
    """How a feature moves the risk, in words: the sign of its rank correlation with SHAP."""
    known = ~np.isnan(values)
    parts = []
    if known.sum() > 2 and np.ptp(values[known]) > 0 and np.ptp(contributions[known]) > 0:
        ranks = pd.Series(values[known]).rank().to_numpy()
        corr = float(np.corrcoef(ranks, contributions[known])[0, 1])
        if corr > 0.3:
            parts.append("higher values raise the risk")
        elif corr < -0.3:
            parts.append("lower values raise the risk")
        else:
            parts.append("effect not monotone")
    missing = 1 - known.mean()
    if missing > 0.01:
        mean_missing = float(contributions[~known].mean())
        effect = "raises" if mean_missing > 0 else "lowers"
        parts.append(f"missing for {_pct(missing)}, which {effect} the risk on average")
    return "; ".join(parts) or "no effect in this sample"


def _example_candidates(model, table: FeatureTable) -> pd.DataFrame:
    """Applicants to explain: the test table's (unseen by the model) if present."""
    test = table.folder / "test.parquet"
    if test.is_file():
        frame = pd.read_parquet(test)
        columns = [c for c in (table.id_column, *model.feature_names) if c in frame.columns]
        if set(model.feature_names) <= set(columns) and len(frame):
            return frame[columns].head(5_000).reset_index(drop=True)
    frame = table.X.head(5_000).copy()
    frame.insert(0, table.id_column, table.ids[: len(frame)])
    return frame


def _local_examples(model, table: FeatureTable, folder: Path) -> list[dict]:
    """One refused and one granted applicant (the median of each group), explained."""
    candidates = _example_candidates(model, table)
    results = scoring.score(model, candidates)
    probability = np.array([r.probability for r in results])
    examples = []
    for decision, title, image in (
        (scoring.REFUSED, "A refused applicant", "local_refused.png"),
        (scoring.GRANTED, "A granted applicant", "local_granted.png"),
    ):
        rows = np.flatnonzero([r.decision == decision for r in results])
        if not len(rows):
            continue
        median = rows[np.argsort(probability[rows])[len(rows) // 2]]
        explanation = scoring.explain(model, candidates.iloc[[median]], top_k=LOCAL_TOP_K)
        labels = [c.label for c in explanation.contributions]
        plots.local_explanation_plot(
            labels, [c.contribution for c in explanation.contributions],
            f"{title}: p = {explanation.probability:.3f}", folder / image,
        )  # fmt: skip
        examples.append({**explanation.to_dict(), "title": title, "image": image})
    return examples


def _sensitivity(p: np.ndarray, y: np.ndarray, costs: CostMatrix) -> list[dict]:
    ratios = sorted({*SENSITIVITY_RATIOS, costs.c_fn / costs.c_fp})
    rows = []
    for ratio in ratios:
        choice = best_threshold(p, y, CostMatrix(c_fn=ratio, c_fp=1.0))
        rows.append(
            {
                "ratio": f"{ratio:g} : 1",
                "threshold": choice.threshold,
                "refusal_rate": float(np.mean(p >= choice.threshold)),
                "cost": choice.cost,
            }
        )
    return rows


def _fairness_text(model, fairness: dict) -> str:
    flagged = [
        f"{row['group']} (by {name}, ratio {row['four_fifths_ratio']:.2f})"
        for name, rows in fairness.items()
        for row in rows
        if row["below_four_fifths"] and row["n"] >= 30
    ]
    protected = [
        human_label(f)
        for f in model.manifest.get("features", [])
        if re.search(r"GENDER|DAYS_BIRTH", f["name"])
    ]
    text = (
        "Groups approved at less than four fifths of the best group's rate: "
        + ", ".join(flagged)
        + ". "
        if flagged
        else "No group of 30 applicants or more falls below the four-fifths ratio. "
    )
    if protected:
        text += (
            "The model's inputs include features derived from protected attributes ("
            + ", ".join(protected[:6])
            + "); whether they may be used in credit decisions is a legal and policy "
            "decision for the committee. Differences in approval rate also follow "
            "differences in observed default rate, shown beside them."
        )
    return text


def _limits(model, metrics: dict) -> list[str]:
    calibration = metrics["calibration"]
    return [
        "The out-of-fold figures are slightly optimistic: each fold's validation rows also "
        "decided when its booster stopped adding trees, and the calibration and the "
        "threshold were fitted on the same out-of-fold predictions they are judged on "
        "(three numbers fitted on "
        f"{metrics['n_rows']:,} applicants, so the bias is small).",
        "Outcomes exist only for applicants who were granted credit in the past: the model "
        "learns from a selected population and may be wrong about the kind of applicant "
        "who used to be refused (reject inference is not attempted).",
        f"The cost ratio {metrics['cost_fn'] / metrics['cost_fp']:g}:1 is an estimate for an "
        "average loan. A loss on a large loan costs more than on a small one; weighting the "
        "cost by the credit amount would be closer to the lender's accounts (section 3 shows "
        "how the threshold moves with the ratio).",
        "The calibration was fitted on the cross-validated boosters' scores and is applied to "
        f"the final model ({metrics['refit_rounds']} trees on all rows); its mean predicted "
        f"default rate should be checked against the observed rate "
        f"({_pct(calibration['after']['observed_rate'], 2)}) as new outcomes arrive.",
        "The model is only as current as its data: applicant populations and economic "
        "conditions drift. The drift reports (`credit-scoring drift`) compare new "
        "applications with the reference sample stored with this model; retrain when they "
        "alert.",
        "SHAP contributions explain the model, not the world: a feature that raises the "
        "score is associated with default in the training data, not necessarily its cause.",
        "Possible improvements: a hyper-parameter search (fixed, speed-oriented settings "
        "were used), monotone constraints on features whose direction is known (debt, late "
        "payments), an amount-weighted cost, and averaging boosters over several seeds.",
        "If the feature table was built from generated data (`credit-scoring generate`), "
        "every figure describes that simulated population, not real clients.",
    ]


def write_note(
    folder: Path,
    *,
    model,
    table: FeatureTable,
    oof_probability: np.ndarray,
    costs: CostMatrix,
    timings: dict[str, float],
    seed: int,
) -> tuple[Path, Path]:
    """Write ``note.md``, ``note.html`` and the PNG figures into ``folder``.

    Returns the paths of the Markdown and HTML notes.
    """
    import jinja2
    from sklearn.metrics import roc_curve

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    metrics = model.metrics
    y = table.y

    curve = cost_curve(oof_probability, y, costs)
    plots.cost_curve_plot(
        curve.scores, curve.cost, model.threshold, curve.cost_refuse_none,
        folder / "cost_curve.png",
    )  # fmt: skip
    fpr, tpr, _ = roc_curve(y, oof_probability)
    confusion = metrics["confusion"]
    point = (confusion["fp"] / max(1, confusion["fp"] + confusion["tn"]), metrics["recall"])
    plots.roc_plot(fpr, tpr, metrics["auc"], point, folder / "roc.png")
    calibration = metrics["calibration"]
    plots.reliability_plot(calibration["before"], calibration["after"], folder / "reliability.png")
    top_features, base_value, shap_rows = _global_shap(model, table, seed, folder)
    examples = _local_examples(model, table, folder)

    comparison = metrics["comparison"]
    first = comparison[0]
    scope = (
        f"{first['folds']} folds on {first['rows']:,} applicants, learning rate "
        f"{first['learning_rate']:g}"
    )
    sources = Counter(f.get("source", "unknown") for f in model.manifest.get("features", []))
    context = {
        **metrics,
        "tag": model.tag,
        "created": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "feature_table": model.info.get("feature_table", str(table.folder)),
        "fingerprint": model.info.get("feature_table_sha256", table.fingerprint),
        "cost_at_half": metrics["business_cost_at_0_5"],
        "cost_refuse_none": metrics["business_cost_refuse_none"],
        "strategy": model.strategy,
        "sources": sorted(sources.items(), key=lambda kv: -kv[1]),
        "booster": metrics["booster"],
        "fold_auc": ", ".join(f"{a:.3f}" for a in metrics["fold_auc"]),
        "fold_rounds": ", ".join(str(r) for r in metrics["fold_best_iteration"]),
        "timings_text": ", ".join(f"{k.replace('_', ' ')} {v:.1f} s" for k, v in timings.items()),
        "sensitivity": _sensitivity(oof_probability, y, costs),
        "calibration": calibration,
        "cal_before": calibration["before"],
        "cal_after": calibration["after"],
        "comparison": comparison,
        "comparison_scope": scope,
        "top_features": top_features,
        "shap_rows": shap_rows,
        "base_value": base_value,
        "examples": examples,
        "fairness": metrics["fairness"],
        "fairness_text": _fairness_text(model, metrics["fairness"]),
        "limits": _limits(model, metrics),
        "pct": _pct,
        "num": _num,
    }
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    markdown = environment.get_template("note.md.j2").render(**context)
    markdown = re.sub(r"\n{3,}", "\n\n", markdown)
    md_path = folder / "note.md"
    md_path.write_text(markdown)
    html_path = folder / "note.html"
    html_path.write_text(_html(markdown, folder, title=f"Methodology note: {model.tag}"))
    return md_path, html_path


def _html(markdown: str, folder: Path, *, title: str) -> str:
    """The note as one self-contained HTML page (figures embedded as data URIs)."""
    from markdown_it import MarkdownIt

    body = MarkdownIt("commonmark").enable("table").render(markdown)

    def embed(match: re.Match) -> str:
        path = folder / match.group(1)
        if not path.is_file():
            return match.group(0)
        data = base64.b64encode(path.read_bytes()).decode("ascii")
        return f'src="data:image/png;base64,{data}"'

    body = re.sub(r'src="([^"/:]+\.png)"', embed, body)
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n{body}</body>\n</html>\n"
    )
