"""analysis.mapping: map foreign columns and values onto the contract, then validate."""

from __future__ import annotations

import uuid

import pandas as pd
import pytest

from analysis import contract
from analysis.io import RawTable, read_frame_raw
from analysis.mapping import (
    ColumnMapping,
    apply_mapping,
    distinct_values,
    mapping_problems,
    normalize_name,
    preview,
    suggest_columns,
    suggest_mapping,
    suggest_value,
)
from analysis.pipeline import map_table, prepare_import
from analysis.validation import validate_frame
from sample_data import generate

#: contract column -> a foreign header a spreadsheet might use
FOREIGN_HEADERS = {
    "gi": "Instelling",
    "respondent_type": "Type respondent",
    "submitted_week": "Week",
    "measure_type": "Soort maatregel",
    "n_workers": "Aantal jeugdzorgwerkers",
    "had_gap": "Periode zonder jeugdzorgwerker",
    "contact_one_on_one": "Alleen gesproken",
    "explained_at_start": "Uitleg bij de start",
    "opinion_asked": "Naar mening gevraagd",
    "involved_in_decisions": "Betrokken bij beslissingen",
    "asked_life_domains": "Leefgebieden",
    "asked_safety": "Veiligheid",
    "say_in_plan": "Inspraak",
    "help_improves": "Verbetering",
    "quality_time_attention": "Tijd en aandacht",
    "quality_understanding": "Begripvol",
    "quality_respectful": "Respectvol",
    "quality_expert": "Deskundig",
    "quality_clear": "Duidelijk",
    "quality_reachable": "Bereikbaar",
    "grade": "Rapportcijfer",
    "comment_grade": "Toelichting",
    "comment_improve": "Wat kan beter",
}


def foreign_frame(n=40, seed=5) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(canonical frame, the same data as another tool writes it: Dutch headers and labels, no ids)."""
    from analysis.wording import category_label

    df = generate(n=n, seed=seed)
    raw = pd.DataFrame()
    for col, head in FOREIGN_HEADERS.items():
        s = df[col].astype(object)
        if col in contract.CODES and col != "respondent_type":
            s = s.map(lambda v, c=col: None if pd.isna(v) else category_label(c, v))
        elif col == "respondent_type":
            s = s.map({"ouder": "Ouder", "jeugdige": "Jongere"})
        elif col in contract.INT_RANGES:
            s = s.map(lambda v: None if pd.isna(v) else f"{int(v)},0")
        raw[head] = pd.Series(s, dtype="string")
    return df, raw


def test_normalize_name_strips_accents_and_punctuation():
    assert normalize_name(" Soort maatregel? ") == "soort_maatregel"
    assert normalize_name("Cliënt-ervaring") == "client_ervaring"


def test_suggest_columns_exact_alias_and_labels():
    sug = suggest_columns(
        ["response_id", "Ronde", "Instelling", "cijfer", "Soort maatregel", "Aantal jeugdzorgwerkers", "iets anders"]
    )
    assert sug["response_id"] == "response_id"
    assert sug["round_id"] == "Ronde"
    assert sug["gi"] == "Instelling"
    assert sug["grade"] == "cijfer"
    assert sug["measure_type"] == "Soort maatregel"
    assert sug["n_workers"] == "Aantal jeugdzorgwerkers"
    assert sug["had_gap"] is None
    assert "iets anders" not in sug.values()


def test_suggest_columns_uses_each_source_once():
    sug = suggest_columns(["grade", "Rapportcijfer"])
    assert sug["grade"] == "grade"
    assert list(sug.values()).count("grade") == 1


def test_suggest_columns_close_spelling():
    assert suggest_columns(["explained_at_strat"])["explained_at_start"] == "explained_at_strat"


def test_suggest_value_labels_aliases_numbers_and_empty():
    assert suggest_value("explained_at_start", "Een beetje") == "een_beetje"
    assert suggest_value("explained_at_start", "A little") == "een_beetje"
    assert suggest_value("respondent_type", "Jongere") == "jeugdige"
    assert suggest_value("respondent_type", "Ouders") == "ouder"
    assert suggest_value("n_workers", "Meer dan 5") == "6"
    assert suggest_value("n_workers", "Nog geen") == "0"
    assert suggest_value("grade", "7,0") == "7"
    assert suggest_value("grade", "11") is None
    assert suggest_value("asked_safety", "n/a") == ""
    assert suggest_value("asked_safety", "misschien") is None


def test_suggest_value_rejects_free_text_columns():
    with pytest.raises(ValueError):
        suggest_value("comment_grade", "x")


def test_distinct_values_counts_most_frequent_first():
    raw = pd.DataFrame({"a": pd.Series(["x", "y", "x", None, " x "], dtype="string")})
    d = distinct_values(raw, "a")
    assert d.iloc[0].tolist() == ["x", 3]
    assert dict(zip(d["value"], d["count"])) == {"x": 3, "y": 1, "": 1}


def test_mapping_foreign_file_round_trips_to_the_same_answers():
    df, raw = foreign_frame()
    m = suggest_mapping(raw, round_id="ronde-x")
    assert m.generate_ids and m.constants == {"round_id": "ronde-x"}
    assert mapping_problems(raw, m).empty
    out = apply_mapping(raw, m, seed=1)
    frame, report = validate_frame(out, file="vreemd.csv")
    assert report.ok, report.summary("nl")
    for col in contract.COLUMNS:
        if col in ("response_id", "round_id"):
            continue
        assert (
            frame[col].astype(object).where(frame[col].notna(), None).tolist()
            == df[col].astype(object).where(df[col].notna(), None).tolist()
        ), col
    assert (frame["round_id"] == "ronde-x").all()
    ids = frame["response_id"].tolist()
    assert len(set(ids)) == len(ids) and all(uuid.UUID(i).version == 4 for i in ids)


def test_map_table_keeps_source_rows_for_validation_messages():
    _, raw = foreign_frame(n=12)
    m = suggest_mapping(raw, round_id="r1")
    raw.loc[3, "Rapportcijfer"] = "twaalf"
    table = RawTable.of(raw, file="f.csv", rows=range(5, 17))
    mapped = map_table(table, m, seed=2)
    assert mapped.rows == tuple(range(5, 17)) and len(mapped.frame) == 12
    pd.testing.assert_frame_equal(mapped.frame, apply_mapping(raw, m, seed=2))
    _, report = validate_frame(mapped.frame, file="f.csv", row_numbers=mapped.rows)
    err = [e for e in report.errors if e.column == "grade"]
    assert err and err[0].row == 8 and err[0].message_in("nl")
    prepared = prepare_import(table, mapping=m)
    assert [(e.row, e.column) for e in prepared.report.errors] == [(8, "grade")]


def test_mapping_problems_lists_missing_twice_and_unknown_values():
    _, raw = foreign_frame(n=20)
    raw.loc[0, "Veiligheid"] = "misschien"
    m = suggest_mapping(raw)
    m.columns.pop("submitted_week")
    m.columns["quality_clear"] = m.columns["quality_expert"]
    p = mapping_problems(raw, m)
    kinds = set(zip(p["column"], p["problem"]))
    assert ("submitted_week", "missing_column") in kinds
    assert ("round_id", "missing_column") in kinds
    assert ("quality_clear", "used_twice") in kinds or ("quality_expert", "used_twice") in kinds
    unk = p[p["problem"] == "unknown_value"]
    assert unk[["column", "value", "count"]].values.tolist() == [["asked_safety", "misschien", 1]]
    assert unk.iloc[0]["message"].startswith("'misschien' in column")
    nl = mapping_problems(raw, m, "nl")
    assert nl[nl["problem"] == "unknown_value"].iloc[0]["message"].startswith("'misschien' in kolom")


def test_mapping_problems_fixed_value_must_be_a_code():
    _, raw = foreign_frame(n=10)
    m = suggest_mapping(raw, round_id="r")
    del m.columns["measure_type"]
    m.constants["measure_type"] = "OTS"
    assert mapping_problems(raw, m)["problem"].tolist() == ["unknown_value"]
    m.constants["measure_type"] = "ots"
    assert mapping_problems(raw, m).empty


def test_mapping_value_to_empty_means_not_answered():
    _, raw = foreign_frame(n=10)
    raw["Veiligheid"] = "weet niet"
    m = suggest_mapping(raw, round_id="r")
    m.values["asked_safety"] = {"weet niet": ""}
    out = apply_mapping(raw, m, seed=0)
    assert out["asked_safety"].isna().all()


def test_preview_is_reproducible_and_short():
    _, raw = foreign_frame(n=30)
    m = suggest_mapping(raw, round_id="r")
    a, b = preview(raw, m, rows=5), preview(raw, m, rows=5)
    assert len(a) == 5 and a.equals(b)


def test_apply_mapping_rejects_unknown_source_column():
    raw = pd.DataFrame({"a": ["1"]})
    with pytest.raises(ValueError, match="source columns"):
        apply_mapping(raw, ColumnMapping(columns={"grade": "b"}))


def test_column_mapping_dict_round_trip():
    m = ColumnMapping(
        columns={"grade": "Cijfer"},
        constants={"round_id": "r"},
        values={"respondent_type": {"Jongere": "jeugdige"}},
        generate_ids=True,
    )
    assert ColumnMapping.from_dict(m.to_dict()) == m
    with pytest.raises(ValueError):
        ColumnMapping.from_dict({"columns": {"naam": "x"}})


def test_mapping_reads_a_real_semicolon_csv(tmp_path):
    _, raw = foreign_frame(n=15)
    path = tmp_path / "ander-systeem.csv"
    raw.to_csv(path, sep=";", index=False, encoding="utf-8-sig")
    back = read_frame_raw(path)
    m = suggest_mapping(back, round_id="r")
    frame, report = validate_frame(apply_mapping(back, m, seed=3), file=path.name)
    assert report.ok, report.summary("nl")
    assert len(frame) == 15


def test_mapping_table_round_trip_through_editor():
    _, raw = foreign_frame(n=10)
    m = suggest_mapping(raw, round_id="r")
    from analysis.mapping import mapping_from_table, mapping_table

    table = mapping_table(m)
    assert table["column"].tolist() == list(contract.COLUMNS)
    assert table.set_index("column").loc["round_id", "constant"] == "r"
    back = mapping_from_table(table, values=m.values, generate_ids=m.generate_ids)
    assert back == m
    # the user picks a source for round_id: the source wins over the constant
    table.loc[table["column"] == "grade", "source"] = ""
    table.loc[table["column"] == "grade", "constant"] = "7"
    back = mapping_from_table(table, values=m.values)
    assert "grade" not in back.columns and back.constants["grade"] == "7"
    assert "grade" not in back.values


def test_value_table_and_values_from_table():
    from analysis.mapping import needs_value_mapping, value_table, values_from_table

    _, raw = foreign_frame(n=40)
    raw.loc[0, "Veiligheid"] = "misschien"
    m = suggest_mapping(raw, round_id="r")
    assert "asked_safety" in needs_value_mapping(raw, m)
    vt = value_table(raw, m, "asked_safety").set_index("value")
    assert vt.loc["Ja", "code"] == "ja" and vt.loc["misschien", "code"] is None
    vt.loc["misschien", "code"] = ""
    vals = values_from_table(vt.reset_index(), "asked_safety")
    assert vals["misschien"] == "" and vals["Ja"] == "ja"
    m.values["asked_safety"] = vals
    assert mapping_problems(raw, m).empty
    vt.loc["misschien", "code"] = "wellicht"
    with pytest.raises(ValueError):
        values_from_table(vt.reset_index(), "asked_safety")
