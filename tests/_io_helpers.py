"""Small hand-written valid response rows for the validation, io and scrub tests.

Independent of the sample-data generator: every value here is written out.
"""

from __future__ import annotations

import uuid

import pandas as pd

from analysis import contract
from analysis.frame import canonical_frame

# Fixed UUID4s so that failures are reproducible.
IDS = [str(uuid.UUID(int=(0x1F3A5C7E9B2D4F60 << 64) + i, version=4)) for i in range(1, 51)]

_BASE = [
    dict(
        round_id="ronde-2025-1",
        gi="JBRA",
        respondent_type="ouder",
        submitted_week="2025-W07",
        measure_type="ots",
        n_workers="2",
        had_gap="nee",
        contact_one_on_one="meer_dan_1",
        explained_at_start="ja",
        opinion_asked="vaak",
        involved_in_decisions="soms",
        asked_life_domains="ja",
        asked_safety="een_beetje",
        say_in_plan="ja",
        help_improves="niet_helemaal",
        quality_time_attention="ja",
        quality_understanding="ja",
        quality_respectful="ja",
        quality_expert="een_beetje",
        quality_clear="nee",
        quality_reachable="ja",
        grade="7",
        comment_grade="Ze luistert goed, één keer te laat.",
        comment_improve="",
    ),
    dict(
        round_id="ronde-2025-1",
        gi="WSS",
        respondent_type="jeugdige",
        submitted_week="2025-W08",
        measure_type="jeugdreclassering",
        n_workers="0",
        had_gap="weet_niet",
        contact_one_on_one="",
        explained_at_start="weet_niet",
        opinion_asked="nee",
        involved_in_decisions="nee",
        asked_life_domains="nee",
        asked_safety="nee",
        say_in_plan="geen_plan_bekend",
        help_improves="nee",
        quality_time_attention="",
        quality_understanding="",
        quality_respectful="",
        quality_expert="",
        quality_clear="",
        quality_reachable="",
        grade="1",
        comment_grade="",
        comment_improve="Vaker bellen",
    ),
    dict(
        round_id="ronde-2025-1",
        gi="JBN",
        respondent_type="ouder",
        submitted_week="2026-W53",
        measure_type="voogdij",
        n_workers="6",
        had_gap="ja",
        contact_one_on_one="nooit",
        explained_at_start="een_beetje",
        opinion_asked="altijd",
        involved_in_decisions="altijd",
        asked_life_domains="een_beetje",
        asked_safety="ja",
        say_in_plan="nee",
        help_improves="ja",
        quality_time_attention="nee",
        quality_understanding="een_beetje",
        quality_respectful="nee",
        quality_expert="ja",
        quality_clear="een_beetje",
        quality_reachable="nee",
        grade="10",
        comment_grade="",
        comment_improve="",
    ),
    dict(
        round_id="ronde-2025-1",
        gi="JBG",
        respondent_type="jeugdige",
        submitted_week="2025-W01",
        measure_type="weet_niet",
        n_workers="",
        had_gap="",
        contact_one_on_one="1_keer",
        explained_at_start="nee",
        opinion_asked="soms",
        involved_in_decisions="",
        asked_life_domains="",
        asked_safety="",
        say_in_plan="",
        help_improves="",
        quality_time_attention="een_beetje",
        quality_understanding="nee",
        quality_respectful="een_beetje",
        quality_expert="nee",
        quality_clear="ja",
        quality_reachable="een_beetje",
        grade="",
        comment_grade="Gaat wel",
        comment_improve="",
    ),
]


def raw_rows(n: int = 4) -> list[dict[str, str]]:
    """n valid rows as text (as read from a file), cycling over four hand-written rows."""
    rows = []
    for i in range(n):
        row = {"response_id": IDS[i], **_BASE[i % len(_BASE)]}
        rows.append({c: row[c] for c in contract.COLUMNS})
    return rows


def raw_frame(n: int = 4) -> pd.DataFrame:
    """The rows of :func:`raw_rows` as an all-text DataFrame (empty cell = "")."""
    return pd.DataFrame(raw_rows(n), columns=list(contract.COLUMNS), dtype=object)


def valid_frame(n: int = 4) -> pd.DataFrame:
    """The rows of :func:`raw_rows` as a canonical response frame."""
    return canonical_frame(raw_frame(n))


def write_csv_text(
    path, rows: list[list[str]], *, sep: str = ",", encoding: str = "utf-8", newline: str = "\n"
) -> None:
    """Write rows (first = header) as CSV with the given delimiter and encoding."""
    import csv
    import io

    buf = io.StringIO()
    csv.writer(buf, delimiter=sep, lineterminator=newline).writerows(rows)
    with open(path, "w", encoding=encoding, newline="") as fh:
        fh.write(buf.getvalue())


def as_records(df: pd.DataFrame) -> list[list[str]]:
    """Header + rows of an all-text frame, for :func:`write_csv_text`."""
    return [list(df.columns)] + [
        [("" if v is None else str(v)) for v in row] for row in df.itertuples(index=False, name=None)
    ]
