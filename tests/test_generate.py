"""The embedded default data generator: schema, determinism, proportions, links, truth, CLI."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score
from typer.testing import CliRunner

from credit_scoring.cli import app
from features.raw_schema import DAYS_SENTINEL, FILE_NAMES, TABLES, columns, kinds
from features.synthetic import SCENARIOS, GenerationSummary, generate
from features.synthetic.chunks import ChunkPlan, make_chunk
from features.synthetic.default_mechanism import history_signals, true_pd

#: Rows per applicant (train + test) in the full Kaggle data.
REAL_ROWS_PER_APPLICANT = {
    "bureau": 1_716_428 / 356_255,
    "bureau_balance": 27_299_925 / 356_255,
    "previous_application": 1_670_214 / 356_255,
    "POS_CASH_balance": 10_001_358 / 356_255,
    "installments_payments": 13_605_401 / 356_255,
    "credit_card_balance": 3_840_312 / 356_255,
}
EXPECTED_WIDTH = {
    "application_train": 122,
    "application_test": 121,
    "bureau": 17,
    "bureau_balance": 3,
    "previous_application": 37,
    "POS_CASH_balance": 8,
    "installments_payments": 8,
    "credit_card_balance": 23,
}


# ``raw_dir`` (tests/conftest.py) is the suite's shared baseline data set.


@pytest.fixture(scope="session")
def frames(raw_dir: Path) -> dict[str, pd.DataFrame]:
    """Every generated table, read back from its CSV."""
    return {table: pd.read_csv(raw_dir / FILE_NAMES[table]) for table in TABLES}


@pytest.fixture(scope="session")
def record(raw_dir: Path) -> dict:
    """``truth/generation.json`` of the shared data set."""
    return json.loads((raw_dir / "truth" / "generation.json").read_text())


def _applicant_ids(frames: dict[str, pd.DataFrame]) -> np.ndarray:
    return np.sort(
        np.concatenate(
            [frames["application_train"].SK_ID_CURR, frames["application_test"].SK_ID_CURR]
        )
    )


@pytest.mark.parametrize("table", list(TABLES))
def test_generate_writes_kaggle_columns_in_order(raw_dir, table):
    """Each file's header is Kaggle's, column for column (122/121/17/3/37/8/8/23)."""
    with (raw_dir / FILE_NAMES[table]).open() as handle:
        header = handle.readline().rstrip("\n").split(",")
    assert header == columns(table)
    assert len(header) == EXPECTED_WIDTH[table]


def test_generate_summary_describes_the_files(tmp_path):
    """The returned summary counts the rows written and Kaggle's test share."""
    summary = generate(tmp_path, applicants=300, seed=2, progress=False)
    assert isinstance(summary, GenerationSummary)
    assert summary.train_applicants == 300
    assert summary.test_applicants == round(300 * 48_744 / 307_511)
    for table in TABLES:
        lines = summary.paths[table].read_text().count("\n")
        assert summary.rows[table] == lines - 1, table
    assert summary.truth_path.is_file()
    assert summary.line().startswith(f"wrote {sum(summary.rows.values()):,} rows in 8 files")


def test_generate_record_matches_the_files(frames, record):
    """generation.json counts the rows of every file and the applicants of each split."""
    assert record["rows"] == {FILE_NAMES[table]: len(frame) for table, frame in frames.items()}
    assert record["applicants"] == len(frames["application_train"])
    assert record["test_applicants"] == round(record["applicants"] * 48_744 / 307_511)
    assert record["test_applicants"] == len(frames["application_test"])
    assert record["scenario"] == "baseline" and record["generator_version"]


def test_generate_is_deterministic_for_a_seed(tmp_path):
    """The same seed, size and scenario give byte-identical files; another seed does not."""
    first = generate(tmp_path / "a", applicants=400, seed=5, progress=False)
    second = generate(tmp_path / "b", applicants=400, seed=5, progress=False)
    other = generate(tmp_path / "c", applicants=400, seed=6, progress=False)
    names = [*(FILE_NAMES[t] for t in TABLES), "truth/ground_truth.csv", "truth/generation.json"]
    for name in names:
        assert (first.out / name).read_bytes() == (second.out / name).read_bytes(), name
    assert (first.out / "bureau.csv").read_bytes() != (other.out / "bureau.csv").read_bytes()


@pytest.mark.parametrize("table", list(REAL_ROWS_PER_APPLICANT))
def test_generate_rows_per_applicant_match_kaggle(frames, table):
    """History tables have Kaggle's rows per applicant, within 15%."""
    applicants = len(frames["application_train"]) + len(frames["application_test"])
    ratio = len(frames[table]) / applicants / REAL_ROWS_PER_APPLICANT[table]
    assert 0.85 < ratio < 1.15, f"{table}: {ratio:.2f} x Kaggle's rows per applicant"


def test_generate_leaves_some_applicants_without_history(frames):
    """About 14% have no bureau record, about 5% no previous application, some neither."""
    ids = _applicant_ids(frames)
    no_bureau = ~np.isin(ids, frames["bureau"].SK_ID_CURR)
    no_previous = ~np.isin(ids, frames["previous_application"].SK_ID_CURR)
    assert 0.11 < no_bureau.mean() < 0.17
    assert 0.03 < no_previous.mean() < 0.07
    assert (no_bureau & no_previous).sum() > 0


def test_generate_ids_follow_kaggle(frames):
    """SK_ID_CURR runs from 100002 with train and test interleaved; other ids are unique."""
    ids = _applicant_ids(frames)
    assert np.array_equal(ids, 100_002 + np.arange(len(ids)))
    train, test = frames["application_train"].SK_ID_CURR, frames["application_test"].SK_ID_CURR
    assert test.min() < train.max() and train.min() < test.max()
    assert frames["bureau"].SK_ID_BUREAU.min() >= 5_000_000
    assert frames["bureau"].SK_ID_BUREAU.is_unique
    assert frames["previous_application"].SK_ID_PREV.min() >= 1_000_000
    assert frames["previous_application"].SK_ID_PREV.is_unique


def test_generate_links_every_child_row_to_its_parent(frames):
    """History rows belong to applicants, balances to bureau credits and previous loans."""
    ids = _applicant_ids(frames)
    for table in (
        "bureau",
        "previous_application",
        "POS_CASH_balance",
        "installments_payments",
        "credit_card_balance",
    ):
        assert frames[table].SK_ID_CURR.isin(ids).all(), table
    assert frames["bureau_balance"].SK_ID_BUREAU.isin(frames["bureau"].SK_ID_BUREAU).all()
    prev = frames["previous_application"].set_index("SK_ID_PREV")
    for table in ("POS_CASH_balance", "installments_payments", "credit_card_balance"):
        rows = frames[table]
        assert rows.SK_ID_PREV.isin(prev.index).all(), table
        owners = prev.loc[rows.SK_ID_PREV, "SK_ID_CURR"].to_numpy()
        assert np.array_equal(owners, rows.SK_ID_CURR.to_numpy()), table


def test_generate_links_balances_to_matching_approved_loans(frames):
    """POS rows come from approved cash/consumer loans, card rows from approved cards."""
    prev = frames["previous_application"].set_index("SK_ID_PREV")
    approved = prev.NAME_CONTRACT_STATUS == "Approved"
    cards = prev.index[approved & (prev.NAME_CONTRACT_TYPE == "Revolving loans")]
    loans = prev.index[approved & prev.NAME_CONTRACT_TYPE.isin(["Cash loans", "Consumer loans"])]
    assert frames["POS_CASH_balance"].SK_ID_PREV.isin(loans).all()
    assert frames["credit_card_balance"].SK_ID_PREV.isin(cards).all()
    inst = frames["installments_payments"]
    card_rows = inst.NUM_INSTALMENT_VERSION == 0
    assert inst.SK_ID_PREV[card_rows].isin(cards).all()
    assert inst.SK_ID_PREV[~card_rows].isin(loans).all()


def test_generate_gives_monthly_status_to_some_bureau_credits(frames):
    """As in Kaggle, only part of the bureau credits have bureau_balance months."""
    covered = frames["bureau"].SK_ID_BUREAU.isin(frames["bureau_balance"].SK_ID_BUREAU)
    assert 0.3 < covered.mean() < 0.6


def test_generate_history_dates_follow_the_loans(frames):
    """Monthly rows lie between the loan's decision and the application, instalments too."""
    prev = frames["previous_application"].set_index("SK_ID_PREV")
    for table, when in (
        ("POS_CASH_balance", "MONTHS_BALANCE"),
        ("credit_card_balance", "MONTHS_BALANCE"),
    ):
        rows = frames[table]
        opened = np.floor(prev.loc[rows.SK_ID_PREV, "DAYS_DECISION"].to_numpy() / 30.4375)
        assert (rows[when].to_numpy() >= np.maximum(opened, -96)).all(), table
        assert (rows[when] <= -1).all(), table
    inst = frames["installments_payments"]
    decided = prev.loc[inst.SK_ID_PREV, "DAYS_DECISION"].to_numpy()
    assert (inst.DAYS_INSTALMENT.to_numpy() >= decided).all()
    assert (inst.DAYS_INSTALMENT < 0).all()
    assert (inst.DAYS_ENTRY_PAYMENT.dropna() < 0).all()


def test_generate_day_offsets_are_consistent_with_age(frames):
    """Jobs and bureau credits start after 18; registration and ID after birth."""
    app = pd.concat([frames["application_train"], frames["application_test"]]).set_index(
        "SK_ID_CURR"
    )
    adult = app.DAYS_BIRTH + 18 * 365
    working = app.DAYS_EMPLOYED != DAYS_SENTINEL
    assert (app.DAYS_EMPLOYED[working] >= adult[working]).all()
    assert (app.DAYS_EMPLOYED[working] <= 0).all()
    assert (app.DAYS_REGISTRATION >= app.DAYS_BIRTH).all() and (app.DAYS_REGISTRATION <= 0).all()
    assert (app.DAYS_ID_PUBLISH >= app.DAYS_BIRTH + 20 * 365).all()
    bureau = frames["bureau"]
    assert (bureau.DAYS_CREDIT.to_numpy() >= adult.loc[bureau.SK_ID_CURR].to_numpy()).all()
    closed = bureau.DAYS_ENDDATE_FACT.notna()
    assert (bureau.DAYS_ENDDATE_FACT[closed] >= bureau.DAYS_CREDIT[closed]).all()


def test_generate_keeps_kaggle_value_conventions(frames):
    """365243 for pensioners' jobs and open loans, XNA/XAP, STATUS in C/X/0-5."""
    app = frames["application_train"]
    sentinel = app.DAYS_EMPLOYED == DAYS_SENTINEL
    assert 0.15 < sentinel.mean() < 0.21
    assert app.NAME_INCOME_TYPE[sentinel].isin(["Pensioner", "Unemployed"]).all()
    assert (app.ORGANIZATION_TYPE[sentinel] == "XNA").all()
    assert (app.ORGANIZATION_TYPE[~sentinel] != "XNA").all()
    assert app.OWN_CAR_AGE.notna().eq(app.FLAG_OWN_CAR == "Y").all()
    assert set(frames["bureau_balance"].STATUS.astype(str)) <= set("CX012345")
    prev = frames["previous_application"]
    dated = prev.DAYS_FIRST_DUE.notna()
    assert (prev.NAME_CONTRACT_STATUS[dated] == "Approved").all()
    for day in (
        "DAYS_FIRST_DRAWING",
        "DAYS_FIRST_DUE",
        "DAYS_LAST_DUE_1ST_VERSION",
        "DAYS_LAST_DUE",
        "DAYS_TERMINATION",
    ):
        assert (prev[day] == DAYS_SENTINEL).any(), day
    assert {"XAP", "XNA"} <= set(prev.NAME_CASH_LOAN_PURPOSE)
    assert "XAP" in set(prev.CODE_REJECT_REASON)
    assert "AMT_RECIVABLE" in frames["credit_card_balance"].columns


def test_generate_amounts_look_like_kaggle(frames):
    """Goods price is mostly below the credit, annuities fit 6-60 month terms."""
    app = frames["application_train"]
    assert (app.AMT_GOODS_PRICE <= app.AMT_CREDIT).mean() > 0.99
    cash = app[app.NAME_CONTRACT_TYPE == "Cash loans"]
    payments = cash.AMT_CREDIT / cash.AMT_ANNUITY
    assert payments.between(4, 60).all()
    assert (app.AMT_INCOME_TOTAL % 4_500 == 0).mean() > 0.9


def test_generate_formats_numbers_like_kaggle(raw_dir):
    """Floats carry a decimal point, integers none, missing is empty, quotes only if needed."""
    out = raw_dir
    for table in ("application_train", "previous_application", "credit_card_balance"):
        kind = kinds(table)
        with (out / FILE_NAMES[table]).open(newline="") as handle:
            reader = csv.DictReader(handle)
            for _, row in zip(range(300), reader, strict=False):
                for name, value in row.items():
                    if value == "" or kind[name] == "str":
                        continue
                    if kind[name] == "int":
                        assert re.fullmatch(r"-?\d+", value), (table, name, value)
                    else:
                        assert re.fullmatch(r"-?\d+\.\d+(e[-+]\d+)?|-?\d(\.\d+)?e[-+]\d+", value), (
                            table,
                            name,
                            value,
                        )
    text = (out / "application_train.csv").read_text()
    assert '"Spouse, partner"' in text and ',"Cash loans",' not in text


def test_generate_truth_matches_the_files(raw_dir, frames, record):
    """ground_truth.csv covers every applicant with its split; TRUE_PD explains TARGET."""
    truth = pd.read_csv(raw_dir / "truth" / "ground_truth.csv")
    assert list(truth.columns) == ["SK_ID_CURR", "SPLIT", "TRUE_PD"]
    train = frames["application_train"].merge(truth, on="SK_ID_CURR")
    assert len(train) == record["applicants"] and (train.SPLIT == "train").all()
    assert set(truth.SK_ID_CURR[truth.SPLIT == "test"]) == set(
        frames["application_test"].SK_ID_CURR
    )
    assert truth.TRUE_PD.between(0, 1, inclusive="neither").all()
    assert abs(train.TRUE_PD.mean() - train.TARGET.mean()) < 0.025
    assert roc_auc_score(train.TARGET, train.TRUE_PD) > 0.72
    assert 0.06 < record["target_rate"] < 0.10
    assert record["target_rate"] == pytest.approx(train.TARGET.mean(), abs=1e-6)


def test_generate_true_pd_is_a_function_of_the_written_rows(raw_dir, frames):
    """Recomputing the mechanism from the CSVs alone gives back every TRUE_PD."""
    truth = pd.read_csv(raw_dir / "truth" / "ground_truth.csv").sort_values("SK_ID_CURR")
    app = pd.concat(
        [frames["application_train"].drop(columns="TARGET"), frames["application_test"]]
    ).sort_values("SK_ID_CURR")
    ids = app.SK_ID_CURR.to_numpy()
    history = {
        table: {name: frame[name].to_numpy() for name in frame.columns}
        for table, frame in frames.items()
        if not table.startswith("application")
    }
    signals = history_signals(ids, history)
    recomputed = true_pd({name: app[name].to_numpy() for name in app.columns}, signals)
    np.testing.assert_allclose(recomputed, truth.TRUE_PD.to_numpy(), rtol=1e-9, atol=1e-12)


def _chunk_means(scenario: str) -> dict[str, float]:
    """Key means of 4,000 applicants of ``scenario`` drawn in memory (no CSV)."""
    chunk = make_chunk(3, SCENARIOS[scenario], ChunkPlan(0, 0, 4_000, 600), 5_000_000, 1_000_000)
    app = chunk.tables["application_train"]
    inst = chunk.tables["installments_payments"]
    return {
        "age": float(np.mean(-app["DAYS_BIRTH"] / 365.25)),
        "income": float(np.median(app["AMT_INCOME_TOTAL"])),
        "credit": float(np.median(app["AMT_CREDIT"])),
        "late": float(np.mean(inst["DAYS_ENTRY_PAYMENT"] > inst["DAYS_INSTALMENT"])),
        "pd": float(chunk.true_pd.mean()),
    }


@pytest.fixture(scope="module")
def baseline_means() -> dict[str, float]:
    return _chunk_means("baseline")


@pytest.mark.parametrize(
    ("scenario", "measure", "low", "high"),
    [
        ("younger", "age", -9.0, -5.0),
        ("lower_income", "income", 0.62, 0.82),
        ("larger_credit", "credit", 1.25, 1.55),
        ("worse_payment", "late", 1.3, 3.0),
    ],
)
def test_scenario_shifts_what_it_claims(baseline_means, scenario, measure, low, high):
    """Each scenario moves its own measure (age in years, the others as ratios) and raises risk."""
    shifted = _chunk_means(scenario)
    change = (
        shifted[measure] - baseline_means[measure]
        if measure == "age"
        else shifted[measure] / baseline_means[measure]
    )
    assert low < change < high
    assert shifted["pd"] > baseline_means["pd"]


def test_scenario_lower_income_keeps_the_credits(baseline_means):
    """Lower incomes at the same credit amounts: the burden, not the loan, changes."""
    shifted = _chunk_means("lower_income")
    assert abs(shifted["credit"] / baseline_means["credit"] - 1.0) < 0.03


def test_scenario_combined_shifts_everything(baseline_means):
    """The combined scenario is younger, poorer, more indebted and pays worse."""
    shifted = _chunk_means("combined")
    assert shifted["age"] < baseline_means["age"] - 5
    assert shifted["income"] < baseline_means["income"]
    assert shifted["credit"] > baseline_means["credit"]
    assert shifted["late"] > baseline_means["late"]
    assert shifted["pd"] > 1.5 * baseline_means["pd"]


def test_generate_rejects_bad_arguments(tmp_path):
    """The function refuses a size below 1, an unknown scenario and a folder under a file."""
    with pytest.raises(ValueError, match="at least 1"):
        generate(tmp_path, applicants=0, progress=False)
    with pytest.raises(ValueError, match="baseline, younger"):
        generate(tmp_path, applicants=10, scenario="older", progress=False)
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(ValueError, match="cannot create output folder"):
        generate(blocker / "raw", applicants=10, progress=False)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--applicants", "0"], "--applicants must be at least 1, got 0"),
        (["--applicants", "-5"], "--applicants must be at least 1, got -5"),
        (["--scenario", "older"], "choose one of: baseline, younger, lower_income, larger_credit"),
    ],
)
def test_cli_generate_rejects_bad_options(tmp_path, options, message):
    """Bad options exit non-zero with one line on stderr, and write nothing."""
    result = CliRunner().invoke(app, ["generate", "--out", str(tmp_path / "raw"), *options])
    assert result.exit_code != 0
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output
    assert not (tmp_path / "raw").exists()


def test_cli_generate_rejects_an_unwritable_folder(tmp_path):
    """A folder that cannot be created is one error line, not a traceback."""
    blocker = tmp_path / "file"
    blocker.write_text("")
    result = CliRunner().invoke(
        app, ["generate", "--out", str(blocker / "raw"), "--applicants", "10"]
    )
    assert result.exit_code != 0
    assert result.stderr.strip().startswith("error: cannot create output folder")
    assert len(result.stderr.strip().splitlines()) == 1


def test_cli_generate_writes_the_files_and_a_summary(tmp_path, monkeypatch):
    """With --out from CREDIT_RAW_DIR, the command writes every file and one summary line."""
    monkeypatch.setenv("CREDIT_RAW_DIR", str(tmp_path / "raw"))
    result = CliRunner().invoke(
        app, ["generate", "--applicants", "150", "--seed", "3", "--scenario", "younger"]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().startswith("wrote ")
    assert len(result.stdout.strip().splitlines()) == 1
    for table in TABLES:
        assert (tmp_path / "raw" / FILE_NAMES[table]).is_file()
    assert (
        json.loads((tmp_path / "raw" / "truth" / "generation.json").read_text())["scenario"]
        == "younger"
    )
