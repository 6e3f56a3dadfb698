"""The `survey-app` command line end to end, through the installed console script."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from analysis import contract

SCRIPT = Path(sys.executable).with_name("survey-app")


def run(*args, env_extra=None, cwd=None):
    env = dict(os.environ)
    env.update(env_extra or {})
    return subprocess.run([str(SCRIPT), *map(str, args)], capture_output=True, text=True, env=env, cwd=cwd, timeout=600)


@pytest.fixture(scope="module")
def sample_csv(tmp_path_factory):
    out = tmp_path_factory.mktemp("cli") / "sample.csv"
    res = run("sample-data", "--out", out)
    assert res.returncode == 0, res.stderr
    return out


@pytest.fixture()
def db_env(tmp_path):
    # a fresh embedded database per test
    return {"SURVEY_DATA_DIR": str(tmp_path / "data"), "SURVEY_DATABASE_URL": ""}


def test_cli_sample_data_writes_1523_synthetic_rows(sample_csv):
    df = pd.read_csv(sample_csv, dtype=str, keep_default_na=False)
    assert len(df) == 1523
    assert list(df.columns) == list(contract.COLUMNS)
    assert set(df["round_id"]) == {contract.DEMO_ROUND_ID}


def test_cli_sample_data_n_and_seed(tmp_path):
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    assert run("sample-data", "--out", a, "--n", 200, "--seed", 7).returncode == 0
    assert run("sample-data", "--out", b, "--n", 200, "--seed", 7).returncode == 0
    assert a.read_bytes() == b.read_bytes()
    assert len(pd.read_csv(a)) == 200


def test_cli_reproduce_exits_zero_and_prints_side_by_side():
    res = run("reproduce")
    assert res.returncode == 0, res.stdout + res.stderr
    assert "fig7" in res.stdout and "published" in res.stdout
    assert "DIFFERENT" not in res.stdout


def test_cli_reproduce_fails_on_other_data(tmp_path):
    out = tmp_path / "other.csv"
    assert run("sample-data", "--out", out, "--n", 300, "--seed", 1).returncode == 0
    res = run("reproduce", "--input", out)
    assert res.returncode == 1
    assert "DIFFERENT" in res.stdout


def test_cli_report_json_follows_contract(sample_csv):
    res = run("report", "--input", sample_csv, "--format", "json")
    assert res.returncode == 0, res.stderr
    rep = json.loads(res.stdout)
    assert rep["contract"] == 1 and rep["n_respondents"] == 1523 and rep["min_cell"] == 10
    assert rep["filters"]["gi"] is None
    ids = [f["id"] for f in rep["figures"]]
    assert set(contract.FIGURE_IDS) <= set(ids)
    grade = next(f for f in rep["figures"] if f["id"] == "grade_by_workers")
    # published figure 7 (shared/reference): n per group and mean to one decimal
    assert [r["n"] for r in grade["rows"]] == [25, 320, 345, 234, 169, 85, 345]
    assert [round(r["mean"], 1) for r in grade["rows"]] == [2.9, 6.2, 5.6, 5.5, 2.3, 4.5, 4.0]
    assert grade["tests"]["spearman"]["rho"] < 0


@pytest.mark.parametrize("command", ["report", "figures"])
@pytest.mark.parametrize("value", [9, 1, 0])
def test_cli_min_cell_below_the_contract_floor_exits_2(sample_csv, tmp_path, command, value):
    extra = ["--out", tmp_path / "figs"] if command == "figures" else []
    res = run(command, "--input", sample_csv, "--min-cell", value, *extra)
    assert res.returncode == 2, res.stdout + res.stderr
    assert "--min-cell" in res.stderr and "min_cell must be a whole number >= 10" in res.stderr
    assert "Traceback" not in res.stderr and res.stdout == ""


def test_cli_min_cell_at_the_floor_is_accepted(sample_csv):
    res = run("report", "--input", sample_csv, "--min-cell", contract.MIN_CELL_FLOOR)
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout)["min_cell"] == 10


def test_cli_report_filters_and_suppresses(sample_csv):
    res = run(
        "report",
        "--input",
        sample_csv,
        "--gi",
        "JBN",
        "--respondent-type",
        "jeugdige",
        "--min-cell",
        50,
        "--format",
        "json",
    )
    assert res.returncode == 0, res.stderr
    rep = json.loads(res.stdout)
    assert rep["filters"]["gi"] == "JBN" and rep["filters"]["respondent_type"] == "jeugdige"
    assert rep["min_cell"] == 50
    for fig in rep["figures"]:
        for row in fig["rows"]:
            estimate = row.get("pct", row.get("mean"))
            if row["suppressed"]:
                assert estimate is None and row["ci_low"] is None
            else:
                assert estimate is not None


def test_cli_report_markdown_and_csv(sample_csv):
    md = run("report", "--input", sample_csv, "--format", "markdown")
    assert md.returncode == 0 and "synthetisch" in md.stdout.lower()
    csv = run("report", "--input", sample_csv, "--format", "csv")
    assert csv.returncode == 0 and "grade_by_workers" in csv.stdout


def test_cli_report_bad_file_names_file_row_and_column(tmp_path, sample_csv):
    df = pd.read_csv(sample_csv, dtype=str, keep_default_na=False)
    df.loc[4, "grade"] = "11"
    bad = tmp_path / "bad.csv"
    df.to_csv(bad, index=False)
    res = run("report", "--input", bad, "--format", "json")
    assert res.returncode == 2
    # row 6: header is row 1, df index 4 is the fifth data row
    assert "bad.csv" in res.stderr and "row 6" in res.stderr and "grade" in res.stderr


def test_cli_report_unknown_filter_code_is_bad_input(sample_csv):
    res = run("report", "--input", sample_csv, "--respondent-type", "opa", "--format", "json")
    assert res.returncode == 2


def test_cli_figures_writes_one_file_per_figure(tmp_path, sample_csv):
    out = tmp_path / "figs"
    res = run("figures", "--input", sample_csv, "--out", out, "--format", "svg")
    assert res.returncode == 0, res.stderr
    files = sorted(out.glob("*.svg"))
    assert len(files) >= 12
    assert {f.stem for f in files} >= set(contract.FIGURE_IDS)
    assert "rapportcijfer" in (out / "grade_by_workers.svg").read_text(encoding="utf-8").lower()


def test_cli_round_import_report_export_roundtrip(tmp_path, db_env, sample_csv):
    res = run("round", "create", "--name", "Test", "--gi", "JBN", "--access", "open", env_extra=db_env)
    assert res.returncode == 0, res.stderr
    round_id = res.stdout.split("Round created:")[1].split()[0]
    assert f"?ronde={round_id}" in res.stdout
    # the sample rows belong to the demo round: rewrite them to this round and institution
    df = pd.read_csv(sample_csv, dtype=str, keep_default_na=False).head(120)
    df["round_id"] = round_id
    df["gi"] = "JBN"
    src = tmp_path / "in.csv"
    df.to_csv(src, index=False)
    res = run("import", src, "--round", round_id, env_extra=db_env)
    assert res.returncode == 0, res.stderr
    assert "120" in res.stdout
    rep = json.loads(run("report", "--round", round_id, "--format", "json", env_extra=db_env).stdout)
    assert rep["n_respondents"] == 120
    out = tmp_path / "out.csv"
    assert run("export", "--round", round_id, "--format", "csv", "--out", out, env_extra=db_env).returncode == 0
    back = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert sorted(back["response_id"]) == sorted(df["response_id"])
    listing = run("round", "list", env_extra=db_env)
    assert round_id in listing.stdout and "120" in listing.stdout
    assert run("round", "close", round_id, env_extra=db_env).returncode == 0
    assert "closed" in run("round", "list", env_extra=db_env).stdout


def test_cli_import_bad_file_stores_nothing(tmp_path, db_env, sample_csv):
    res = run("round", "create", "--name", "T", "--gi", "JBN", "--access", "open", env_extra=db_env)
    round_id = res.stdout.split("Round created:")[1].split()[0]
    df = pd.read_csv(sample_csv, dtype=str, keep_default_na=False).head(50)
    df["round_id"] = round_id
    df.loc[30, "say_in_plan"] = "misschien"
    src = tmp_path / "bad.csv"
    df.to_csv(src, index=False)
    res = run("import", src, "--round", round_id, env_extra=db_env)
    assert res.returncode == 2
    assert "bad.csv" in res.stderr and "row 32" in res.stderr and "say_in_plan" in res.stderr
    rep = json.loads(run("report", "--round", round_id, "--format", "json", env_extra=db_env).stdout)
    assert rep["n_respondents"] == 0


def test_cli_import_counts_rows_with_errors_truthfully(tmp_path, db_env, sample_csv):
    res = run("round", "create", "--name", "T", "--gi", "GI_A", "--gi", "jb-west", "--access", "open", env_extra=db_env)
    assert res.returncode == 0, res.stderr  # contract 1.1 institution codes
    round_id = res.stdout.split("Round created:")[1].split()[0]
    df = pd.read_csv(sample_csv, dtype=str, keep_default_na=False)
    df["round_id"] = round_id
    df["gi"] = ["GI_A", "jb-west", "JBN"] * (len(df) // 3) + ["GI_A"] * (len(df) % 3)  # every third row: JBN
    df.loc[:1199, "grade"] = "0"  # 1,200 rows out of range
    src = tmp_path / "veel.csv"
    df.to_csv(src, index=False)
    res = run("import", src, "--round", round_id, env_extra=db_env)
    assert res.returncode == 2
    first = res.stderr.splitlines()[0]
    assert "veel.csv: rejected, nothing was stored (1,200 rows have errors; the first 50 are listed):" in first
    assert "error(s)" not in res.stderr
    assert len([ln for ln in res.stderr.splitlines() if ln.startswith("  veel.csv: row ")]) == 50
    # valid answers, but every third row's institution is not part of the round
    df["grade"] = "7"
    df.to_csv(src, index=False)
    res = run("import", src, "--round", round_id, env_extra=db_env)
    assert res.returncode == 2
    n_jbn = int((df["gi"] == "JBN").sum())
    assert f"({n_jbn:,} rows have errors; the first 50 are listed)" in res.stderr.splitlines()[0]
    assert "gi_not_in_round" in res.stderr
    # a clean file with those codes goes in
    df["gi"] = ["GI_A", "jb-west"] * (len(df) // 2) + ["GI_A"] * (len(df) % 2)
    df.to_csv(src, index=False)
    res = run("import", src, "--round", round_id, env_extra=db_env)
    assert res.returncode == 0, res.stderr


def test_cli_round_create_with_codes_writes_codes_once(tmp_path, db_env):
    codes = tmp_path / "codes.txt"
    res = run(
        "round",
        "create",
        "--name",
        "C",
        "--gi",
        "JBW",
        "--access",
        "codes",
        "--codes",
        5,
        "--codes-out",
        codes,
        env_extra=db_env,
    )
    assert res.returncode == 0, res.stderr
    lines = codes.read_text().split()
    assert len(lines) == 5 and len(set(lines)) == 5
    again = run(
        "round",
        "create",
        "--name",
        "C",
        "--gi",
        "JBW",
        "--access",
        "codes",
        "--codes",
        5,
        "--codes-out",
        codes,
        env_extra=db_env,
    )
    assert again.returncode == 2


def test_cli_unknown_round_exits_one(db_env):
    res = run("round", "close", "bestaat-niet", env_extra=db_env)
    assert res.returncode == 1
    assert "does not exist" in res.stderr


def test_cli_report_of_a_late_institution_waits_until_its_fieldwork_closes(tmp_path, sample_csv):
    import datetime as dt

    from survey_app.storage import Storage

    url = f"sqlite:///{tmp_path / 'survey.sqlite'}"
    env = {"SURVEY_DATA_DIR": str(tmp_path), "SURVEY_DATABASE_URL": url, "SURVEY_SECRET_KEY": "k" * 32}
    today = dt.date.today()
    s = Storage(url, secret_key="k" * 32)
    s.setup_round(
        name="Lopende ronde",
        gis=list(contract.GI_CODES),
        round_id="rlopend",
        access="open",
        opens=today - dt.timedelta(days=28),
        closes=today + dt.timedelta(days=14),
        gi_dates={"WSS": (today - dt.timedelta(days=7), today + dt.timedelta(days=35))},
    )
    df = pd.read_csv(sample_csv, dtype=str, keep_default_na=False).head(300).assign(round_id="rlopend")
    s.import_responses(df, round_id="rlopend")
    s.dispose()
    res = run("report", "--round", "rlopend", "--gi", "WSS", env_extra=env)
    assert res.returncode == 1 and not res.stdout
    assert "The own report of WSS waits until its fieldwork closes on" in res.stderr
    assert run("figures", "--round", "rlopend", "--gi", "WSS", "--out", tmp_path / "f", env_extra=env).returncode == 1
    # the national report includes WSS; another institution on its own is not held
    rep = json.loads(run("report", "--round", "rlopend", env_extra=env).stdout)
    assert rep["n_respondents"] == 300
    assert run("report", "--round", "rlopend", "--gi", "JBG", env_extra=env).returncode == 0


def test_cli_round_dates_close_reopen_archive_are_audited(tmp_path):
    import datetime as dt

    from survey_app.storage import Storage

    url = f"sqlite:///{tmp_path / 'survey.sqlite'}"
    env = {"SURVEY_DATA_DIR": str(tmp_path), "SURVEY_DATABASE_URL": url, "SURVEY_SECRET_KEY": "k" * 32}
    res = run("round", "create", "--name", "CLI-ronde", "--gi", "JBG", "--gi", "WSS", "--access", "open", env_extra=env)
    assert res.returncode == 0, res.stderr
    rid = res.stdout.split("Round created: ")[1].split()[0]
    later = (dt.date.today() + dt.timedelta(days=60)).isoformat()
    assert run("round", "dates", rid, "--gi", "WSS", "--closes", later, env_extra=env).returncode == 0
    assert run("round", "archive", rid, env_extra=env).returncode == 2  # not closed yet: bad input
    assert run("round", "close", rid, env_extra=env).returncode == 0
    assert run("round", "reopen", rid, "--closes", later, env_extra=env).returncode == 0
    assert run("round", "close", rid, env_extra=env).returncode == 0
    assert run("round", "archive", rid, env_extra=env).returncode == 0
    assert run("round", "archive", rid, "--undo", env_extra=env).returncode == 0
    assert run("round", "reopen", "nope", env_extra=env).returncode == 1
    s = Storage(url, secret_key="k" * 32)
    log = s.list_audit()
    s.dispose()
    assert sorted(r.action for r in log) == sorted(
        ["round_create", "round_dates", "round_close", "round_reopen", "round_close", "round_archive"]
        + ["round_unarchive"]
    )
    assert all(r.actor.startswith("cli") and r.target == rid for r in log)
    assert f"WSS -..- -> -..{later}" in [r.detail for r in log if r.action == "round_dates"][0]


def test_cli_round_easy_read_switches_the_offer_and_is_audited(tmp_path):
    # issue 12: a round offers the easy-read version unless it is switched off
    from survey_app.storage import Storage

    url = f"sqlite:///{tmp_path / 'survey.sqlite'}"
    env = {"SURVEY_DATA_DIR": str(tmp_path), "SURVEY_DATABASE_URL": url, "SURVEY_SECRET_KEY": "k" * 32}
    res = run("round", "create", "--name", "Makkelijk", "--gi", "JBG", "--access", "open", env_extra=env)
    assert res.returncode == 0, res.stderr
    rid = res.stdout.split("Round created: ")[1].split()[0]
    off = run("round", "easy-read", rid, "--off", env_extra=env)
    assert off.returncode == 0, off.stderr
    assert "not offered" in off.stdout
    s = Storage(url, secret_key="k" * 32)
    assert s.get_round(rid).easy_read is False
    s.dispose()
    on = run("round", "easy-read", rid, "--on", env_extra=env)
    assert on.returncode == 0 and "is offered" in on.stdout
    assert run("round", "easy-read", rid, env_extra=env).returncode == 2  # --on or --off is required
    missing = run("round", "easy-read", "nope", "--on", env_extra=env)
    assert missing.returncode == 1 and "does not exist" in missing.stderr
    s = Storage(url, secret_key="k" * 32)
    assert s.get_round(rid).easy_read is True
    log = [(r.action, r.detail) for r in s.list_audit() if r.action == "round_easy_read"]
    s.dispose()
    assert sorted(log) == [("round_easy_read", "easy_read=off"), ("round_easy_read", "easy_read=on")]


def _suppression_pattern(rep: dict) -> list:
    return [(fig["id"], i, row.get("suppressed")) for fig in rep["figures"] for i, row in enumerate(fig["rows"])]


def test_cli_report_of_a_round_reads_the_protected_table_of_all_responses(tmp_path):
    """issue 9, M1: `report --round R` is the view of R in the one protected table of every stored response.

    Two rounds; in round "ra" JBW has 6 respondents.  The report of "ra" (and of
    "ra" x JBN) equals the report of that view of the table of all responses (the
    table the dashboards and the Rondeverslag read), not a table of "ra" alone,
    whose suppression pattern differs on these data.
    """
    from analysis.report import report_json
    from sample_data import generate
    from survey_app.storage import Storage

    url = f"sqlite:///{tmp_path / 'survey.sqlite'}"
    env = {"SURVEY_DATA_DIR": str(tmp_path), "SURVEY_DATABASE_URL": url, "SURVEY_SECRET_KEY": "k" * 32}
    s = Storage(url, secret_key="k" * 32)
    try:
        a = generate(n=300, seed=21, round_id="ra")
        a = pd.concat([a[a["gi"] != "JBW"], a[a["gi"] == "JBW"].head(6)], ignore_index=True)
        for rid, df in (("ra", a), ("rb", generate(n=300, seed=22, round_id="rb"))):
            s.create_round(name=rid, gis=list(contract.GI_CODES), round_id=rid)
            s.import_responses(df, round_id=rid)
        everything, round_alone = s.load_responses(), s.load_responses(round_ids=["ra"])
    finally:
        s.dispose()
    for extra, filters in (([], {"round_id": "ra"}), (["--gi", "JBN"], {"round_id": "ra", "gi": "JBN"})):
        res = run("report", "--round", "ra", *extra, "--format", "json", env_extra=env)
        assert res.returncode == 0, res.stderr
        rep = json.loads(res.stdout)
        assert rep == json.loads(report_json(everything, filters=filters))  # the global view, number for number
        alone = json.loads(report_json(round_alone, filters=filters))
        assert _suppression_pattern(rep) != _suppression_pattern(alone)  # the data tell the two tables apart
    # --round-filter belongs to --input: with --round only the same round is accepted
    assert run("report", "--round", "ra", "--round-filter", "rb", env_extra=env).returncode == 2


def test_cli_input_help_says_the_file_is_a_table_of_its_own():
    out = run("report", "--help").stdout
    assert "protected on the file alone" in " ".join(out.split())
    assert "do not publish them next to the dashboards" in " ".join(out.split())
