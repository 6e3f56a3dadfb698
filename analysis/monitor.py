"""The response monitor of a round: invited, responded, response rate and pace per group.

:func:`response_monitor` takes counts only (no answers): the letters made per
institution and respondent type, the responses per institution, respondent
type and ISO week, and each institution's own dates.  It returns one row per
institution x respondent type with fixed columns (:data:`MONITOR_COLUMNS`),
including the expected number of responses at the closing day at the current
pace and whether that stays under the minimum cell size.

:func:`with_totals` adds totals per institution and for the whole round, all
exact: for the roles that run rounds (beheerder, inspecteur), who follow the
fieldwork.  Every other reader gets :func:`protected_totals`: the same rows
with each count read from the one protected table of the data (the cell
(round, institution, type), (round, institution) or (round) of its
respondents family), computed on :func:`table_counts` (the table's own data):
a cell hidden there reads "verborgen" here (small or protecting alike, with
no expectation of its own), a cell shown there shows the same number
(issue 9, H4).  The caller decides which reader
is which.

:func:`weekly_responses` gives responses per week (filled with zeros) and the
running total; :func:`weekly_for` is the one rule for what of it a reader
sees (:func:`mask_weekly` for readers without exact counts: running totals
only, in steps of at least ``min_cell``, never a number the table hides).
:func:`monitor_view` turns a table into display strings in the reader's
language (``monitor.*`` in the catalogs).  :func:`weekly_chart` draws the
weeks with a title and a ``description`` for screen readers
(:func:`weekly_description`: every number in words); :func:`weekly_view` is
the same numbers as a display table beside it (WCAG 1.1.1, issue 12).

:func:`report_hold` is the one decision whether a view must hold back the own
figures of an institution that started late (its answers count nationally,
its own report waits until its fieldwork closes); :func:`hold_messages` says
so in the reader's language.  The dashboards (through
``survey_app.dashboard.data_access.report_hold``) and the command line use it.

Pure: no streamlit, no database.
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Collection, Mapping, Sequence

import altair as alt
import numpy as np
import pandas as pd

from . import contract, i18n
from .charts import localised
from .messages import count_text
from .wording import category_label, fmt_number, fmt_pct, format_date

#: columns of :func:`response_monitor` (one row per institution x respondent type)
MONITOR_COLUMNS = (
    "gi",
    "respondent_type",
    "opens",  # the institution's opening day (None: no date)
    "closes",  # its closing day (None: no date)
    "status",  # 'not_yet_open' | 'open' | 'closed'
    "late",  # opens later than the round's earliest opening day
    "national",  # counts in the national figures
    "own_report_waits",  # late and its fieldwork still runs: its own report waits
    "invited",  # letters made (codes issued, or open-link letters recorded)
    "responded",  # responses stored
    "response_rate",  # responded / invited (NaN without letters)
    "weeks_running",  # weeks since opening (at least 1) up to today or the closing day
    "weeks_left",  # weeks until the closing day (0 when closed; NaN without a closing day)
    "per_week",  # responded / weeks_running (NaN before opening)
    "expected",  # responded + per_week * weeks_left (NaN when it cannot be said)
    "below_min",  # expected < min_cell (from the second week on): the group will stay too small to report
)
#: extra columns of :func:`with_totals`
TOTAL_COLUMNS = ("level", "shown", "hidden")
WEEKLY_COLUMNS = ("week", "n", "cumulative")

#: the catalog namespace of the monitor's texts (``monitor.<key>`` in ``analysis/locales/<lang>.yaml``)
TEXT_NAMESPACE = "monitor."


def t(key: str, lang: str = "nl", **fmt) -> str:
    """The text ``monitor.<key>`` in ``lang`` (:func:`analysis.i18n.text`)."""
    return i18n.text(TEXT_NAMESPACE + key, lang, **fmt)


def _week_monday(week: str) -> _dt.date:
    y, w = week.split("-W")
    return _dt.date.fromisocalendar(int(y), int(w), 1)


def _iso_week(day: _dt.date) -> str:
    y, w, _ = day.isocalendar()
    return f"{y:04d}-W{w:02d}"


def _date(v) -> _dt.date | None:
    if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NaT:
        return None
    if isinstance(v, pd.Timestamp):
        return v.date()
    return v


def fieldwork_status(opens, closes, *, round_closed: bool, today: _dt.date) -> str:
    """'open', 'not_yet_open' or 'closed': one institution's fieldwork on ``today``.

    Closed when the whole round was closed by hand or ``today`` is after the
    closing day; not yet open before the opening day; open otherwise (also
    without dates).
    """
    opens, closes = _date(opens), _date(closes)
    if round_closed or (closes is not None and today > closes):
        return "closed"
    if opens is not None and today < opens:
        return "not_yet_open"
    return "open"


def own_report_waits(*, late: bool, status: str) -> bool:
    """An institution that started late keeps its own report back until its fieldwork has closed.

    Its answers count in the national figures meanwhile (when it is
    ``national``); only the views of that institution on its own wait
    (:func:`report_hold`).
    """
    return bool(late) and status != "closed"


#: columns of :func:`report_hold` (one row per institution and round whose own report waits)
HOLD_COLUMNS = ("round_id", "round_name", "gi", "closes")
#: columns :func:`report_hold` needs in ``windows`` (``Storage.fieldwork_windows``)
WINDOW_COLUMNS = ("round_id", "round_name", "round_closed", "gi", "opens", "closes", "late", "national")


def _as_set(values) -> set[str] | None:
    if values is None:
        return None
    if isinstance(values, str):
        return {values}
    return {str(v) for v in values}


def report_hold(
    windows: pd.DataFrame,
    *,
    gis: Sequence[str] | str | None,
    round_ids: Sequence[str] | str | None,
    today: _dt.date,
) -> pd.DataFrame:
    """The one decision whether a view must hold back an institution's own figures (issue 11).

    An institution that started its fieldwork later than the rest of its
    round (``late``) has its answers in the national figures, but a view that
    shows it on its own waits until its fieldwork closes
    (:func:`own_report_waits`).  A view is its selection: ``gis`` and
    ``round_ids`` (``None`` = every one; the signed-in person's scope and the
    filters already combined).  For each round in the selection:

    * a *national* view -- ``gis`` is ``None`` or holds every institution
      that counts in the round's national figures (every institution of the
      round when none counts) -- shows everything, the late one included;
    * any other view (an institution on its own, a ``gi`` account's pages, an
      institution against the rest) holds back when one of its institutions
      waits in that round.

    Returns one row per institution and round held back (:data:`HOLD_COLUMNS`;
    ``closes`` is the institution's closing day, ``None`` without one), in
    the order of ``windows``; empty: the view may show its figures.
    """
    missing = [c for c in WINDOW_COLUMNS if c not in windows.columns]
    if missing:
        raise ValueError(f"windows: missing column(s) {', '.join(missing)}")
    chosen_gis, chosen_rounds = _as_set(gis), _as_set(round_ids)
    rows = []
    for round_id, part in windows.groupby("round_id", sort=False):
        if chosen_rounds is not None and round_id not in chosen_rounds:
            continue
        if chosen_gis is None:
            continue
        national = set(part.loc[part["national"].astype(bool), "gi"]) or set(part["gi"])
        if national <= chosen_gis:
            continue
        for w in part.itertuples(index=False):
            if w.gi not in chosen_gis:
                continue
            status = fieldwork_status(w.opens, w.closes, round_closed=bool(w.round_closed), today=today)
            if own_report_waits(late=bool(w.late), status=status):
                rows.append({"round_id": round_id, "round_name": w.round_name, "gi": w.gi, "closes": _date(w.closes)})
    return pd.DataFrame(rows, columns=list(HOLD_COLUMNS))


#: columns of :func:`open_rounds` (one row per round whose figures wait for readers without row data)
OPEN_ROUND_COLUMNS = ("round_id", "round_name", "closes")


def readable_rounds(windows: pd.DataFrame, *, today: _dt.date, always: Sequence[str] = ()) -> tuple[str, ...]:
    """The one decision which rounds' figures a reader without row data may see (issue 9, H5/M4).

    A round is readable once its fieldwork has closed for **every** one of
    its institutions (:func:`fieldwork_status` is ``closed`` for each row of
    ``windows``, the frame of ``Storage.fieldwork_windows``).  Before that a
    figure of the round could be compared with the same figure two minutes
    later (the difference is the newest respondents' answers), a group could
    be padded with known questionnaires, and national minus the shown
    institutions would give a late institution's figures while its own report
    waits.  A round without institutions is not readable.  ``always``: round
    ids readable whatever their dates (the synthetic demo round).  Returns the
    round ids in the order of ``windows``.
    """
    missing = [c for c in WINDOW_COLUMNS if c not in windows.columns]
    if missing:
        raise ValueError(f"windows: missing column(s) {', '.join(missing)}")
    out = []
    for round_id, part in windows.groupby("round_id", sort=False):
        if str(round_id) in set(always) or all(
            fieldwork_status(w.opens, w.closes, round_closed=bool(w.round_closed), today=today) == "closed"
            for w in part.itertuples(index=False)
        ):
            out.append(str(round_id))
    return tuple(out)


def open_rounds(
    windows: pd.DataFrame, *, readable: Sequence[str], round_ids: Sequence[str] | None = None
) -> pd.DataFrame:
    """The rounds of ``windows`` (only ``round_ids``; None: every one) not in ``readable``.

    One row per round (:data:`OPEN_ROUND_COLUMNS`; ``closes``: the latest
    closing day of its institutions, None when one has none), in the order of
    ``windows``: what the pages say instead of the round's figures.
    """
    rows = []
    chosen = None if round_ids is None else {str(r) for r in round_ids}
    for round_id, part in windows.groupby("round_id", sort=False):
        if str(round_id) in set(readable) or (chosen is not None and str(round_id) not in chosen):
            continue
        closes = [_date(c) for c in part["closes"]]
        last = None if any(c is None for c in closes) else max(closes)
        rows.append({"round_id": str(round_id), "round_name": part["round_name"].iloc[0], "closes": last})
    return pd.DataFrame(rows, columns=list(OPEN_ROUND_COLUMNS))


def hold_messages(held: pd.DataFrame, *, lang: str = "nl") -> list[str]:
    """The catalog message of every row of :func:`report_hold`, in ``lang``.

    "Het eigen rapport van WSS wacht tot het veldwerk sluit op 24 mei 2026."
    followed by which round it is and that the national figures count it.
    """
    out = []
    for r in held.itertuples(index=False):
        gi = r.gi
        closes = _date(r.closes)
        first = (
            t("hold", lang, gi=gi, date=format_date(closes, lang))
            if closes is not None
            else t("hold_no_date", lang, gi=gi)
        )
        out.append(first + " " + t("hold_detail", lang, round=r.round_name, gi=r.gi))
    return out


def open_round_messages(waiting: pd.DataFrame, *, lang: str = "nl") -> list[str]:
    """The catalog message of every row of :func:`open_rounds`, in ``lang``, then why (one text).

    "De cijfers van de ronde 'Voorjaar 2026' verschijnen als het veldwerk
    voor alle instellingen gesloten is (na 24 mei 2026)."
    """
    out = []
    for r in waiting.itertuples(index=False):
        closes = _date(r.closes)
        out.append(
            i18n.text("open_round.waits_until", lang, round=r.round_name, date=format_date(closes, lang))
            if closes is not None
            else i18n.text("open_round.waits", lang, round=r.round_name)
        )
    if out:
        out.append(i18n.text("open_round.why", lang))
    return out


def response_monitor(
    responses: pd.DataFrame,
    *,
    invited: pd.DataFrame,
    windows: pd.DataFrame,
    respondent_types: Sequence[str] = contract.RESPONDENT_TYPES,
    today: _dt.date,
    round_closed: bool = False,
    min_cell: int = contract.DEFAULT_MIN_CELL,
) -> pd.DataFrame:
    """One row per institution x respondent type (:data:`MONITOR_COLUMNS`).

    Parameters
    ----------
    responses : DataFrame
        Counts with columns ``gi``, ``respondent_type``, ``submitted_week``, ``n``
        (``Storage.response_counts``).
    invited : DataFrame
        ``gi``, ``respondent_type``, ``invited`` (``Storage.invitation_counts``).
    windows : DataFrame
        One row per institution of the round, in display order: ``gi``,
        ``opens``, ``closes``, ``national``, ``late``.
    today : date
        The day the pace is measured on.
    round_closed : bool
        The whole round was closed by hand.

    The pace is ``responded / weeks_running`` with ``weeks_running`` the days
    from the opening day (or the Monday of the first response week when there
    is no opening day) to today or the closing day, divided by 7, at least 1.
    ``expected`` adds that pace over the weeks left; for a closed group it is
    what came in.  ``below_min`` is ``expected < min_cell``, once the group
    has been open for a full week (or is closed).
    """
    resp = responses.groupby(["gi", "respondent_type"])["n"].sum() if len(responses) else pd.Series(dtype="int64")
    first_week = responses.groupby(["gi", "respondent_type"])["submitted_week"].min() if len(responses) else pd.Series()
    inv = invited.set_index(["gi", "respondent_type"])["invited"] if len(invited) else pd.Series(dtype="int64")
    rows = []
    for w in windows.itertuples(index=False):
        opens, closes = _date(w.opens), _date(w.closes)
        status = fieldwork_status(opens, closes, round_closed=round_closed, today=today)
        for rt in respondent_types:
            n = int(resp.get((w.gi, rt), 0))
            n_inv = int(inv.get((w.gi, rt), 0))
            start = opens
            if start is None and (w.gi, rt) in first_week.index:
                start = _week_monday(first_week[(w.gi, rt)])
            end = today if closes is None else min(today, closes)
            if status == "not_yet_open" or start is None:
                weeks_running = np.nan if status == "not_yet_open" else 1.0
            else:
                weeks_running = max(((end - start).days + 1) / 7, 1.0)
            if status == "closed":
                weeks_left = 0.0
            elif closes is None:
                weeks_left = np.nan
            elif status == "not_yet_open":
                weeks_left = ((closes - (opens or today)).days + 1) / 7
            else:
                weeks_left = max((closes - today).days, 0) / 7
            per_week = n / weeks_running if status != "not_yet_open" else np.nan
            if status == "closed":
                expected = float(n)
            elif status == "not_yet_open" or np.isnan(weeks_left):
                expected = np.nan
            else:
                expected = n + per_week * weeks_left
            rows.append(
                {
                    "gi": w.gi,
                    "respondent_type": rt,
                    "opens": opens,
                    "closes": closes,
                    "status": status,
                    "late": bool(w.late),
                    "national": bool(w.national),
                    "own_report_waits": own_report_waits(late=bool(w.late), status=status),
                    "invited": n_inv,
                    "responded": n,
                    "response_rate": n / n_inv if n_inv else np.nan,
                    "weeks_running": weeks_running,
                    "weeks_left": weeks_left,
                    "per_week": per_week,
                    "expected": expected,
                    # from the second week on: a pace measured over a few days says little
                    "below_min": bool(
                        not np.isnan(expected)
                        and expected < min_cell
                        and (status == "closed" or (start is not None and (end - start).days >= 7))
                    ),
                }
            )
    out = pd.DataFrame(rows, columns=list(MONITOR_COLUMNS))
    for c in ("invited", "responded"):
        out[c] = out[c].astype("int64")
    for c in ("response_rate", "weeks_running", "weeks_left", "per_week", "expected"):
        out[c] = out[c].astype("float64")
    return out


def _total_row(part: pd.DataFrame, gi: str, level: str) -> dict:
    n, n_inv = int(part["responded"].sum()), int(part["invited"].sum())
    expected = part["expected"]
    return {
        "gi": gi,
        "respondent_type": None,
        "opens": min((d for d in part["opens"] if d is not None), default=None),
        "closes": max((d for d in part["closes"] if d is not None), default=None),
        "status": part["status"].iloc[0] if part["status"].nunique() == 1 else "open",
        "late": bool(part["late"].any()) if level == "gi" else False,
        "national": bool(part["national"].all()),
        "own_report_waits": bool(part["own_report_waits"].any()) if level == "gi" else False,
        "invited": n_inv,
        "responded": n,
        "response_rate": n / n_inv if n_inv else np.nan,
        "weeks_running": np.nan,
        "weeks_left": np.nan,
        "per_week": float(part["per_week"].sum(min_count=1)),
        "expected": float(expected.sum()) if expected.notna().all() else np.nan,
        "below_min": False,
    }


def with_totals(table: pd.DataFrame, *, min_cell: int = contract.DEFAULT_MIN_CELL) -> pd.DataFrame:
    """The monitor table with a total per institution and for the whole round, every count exact.

    For the roles that run rounds (beheerder, inspecteur): adds ``level``
    ('group', 'gi', 'round'), ``shown`` (always True) and ``hidden`` (None, or
    'small' for a count under ``min_cell``, as a mark only).  Readers without
    exact counts get :func:`protected_totals` instead: the same rows with
    their counts read from the one protected table.
    """
    rows = []
    for _gi, part in table.groupby("gi", sort=False):
        rows += [{**r, "level": "group"} for r in part.to_dict("records")]
        if len(part) > 1:
            rows.append({**_total_row(part, _gi, "gi"), "level": "gi"})
    if table["gi"].nunique() > 1:
        rows.append({**_total_row(table, None, "round"), "level": "round"})
    out = pd.DataFrame(rows, columns=[*MONITOR_COLUMNS, "level"])
    hidden = pd.Series([None] * len(out), index=out.index, dtype="object")
    hidden[out["responded"] < min_cell] = "small"
    out["hidden"] = hidden
    out["shown"] = pd.Series(True, index=out.index, dtype=bool)
    return out


def table_counts(data, *, round_id: str, gis: Sequence[str] | None = None) -> pd.DataFrame:
    """Responses per institution, respondent type and ISO week of one round, from the protected table's data.

    ``data`` is the one protected table (:class:`analysis.protection.ProtectedData`);
    the columns are those of ``Storage.response_counts`` (``gi``,
    ``respondent_type``, ``submitted_week``, ``n``), for the institutions
    ``gis`` (None: every one).  A reader without exact counts gets the monitor
    of these rows, so its counts are the cells :func:`protected_totals` reads
    (the same data, even while the table waits to be rebuilt).
    """
    df = data.df
    keep = (df["round_id"].astype(object) == round_id).fillna(False).to_numpy(dtype=bool).copy()
    if gis is not None:
        keep &= df["gi"].astype(object).isin(list(gis)).to_numpy(dtype=bool)
    part = df.loc[keep, ["gi", "respondent_type", "submitted_week"]].astype(object)
    if part.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in ("gi", "respondent_type", "submitted_week")}).assign(
            n=pd.Series(dtype="int64")
        )
    out = part.groupby(["gi", "respondent_type", "submitted_week"], dropna=False).size().reset_index(name="n")
    out["n"] = out["n"].astype("int64")
    return out.sort_values(["gi", "respondent_type", "submitted_week"], ignore_index=True)


def _filters(round_id: str, r: dict) -> dict:
    if r["level"] == "round":
        return {"round_id": round_id}
    if r["level"] == "gi":
        return {"round_id": round_id, "gi": r["gi"]}
    return {"round_id": round_id, "gi": r["gi"], "respondent_type": r["respondent_type"]}


def protected_totals(
    table: pd.DataFrame, data, *, round_id: str, min_cell: int = contract.DEFAULT_MIN_CELL
) -> pd.DataFrame:
    """The monitor for a reader without exact counts: every count read from the one protected table.

    ``table`` is :func:`response_monitor` of :func:`table_counts` (the rows
    of the institutions the reader sees); ``data`` the protected table
    (:class:`analysis.protection.ProtectedData`, the respondents family).
    The rows are those of :func:`with_totals`; each count is the cell of the
    table: (round, institution, type) for a group, (round, institution) for
    an institution's total, (round) for the round's total.  A cell hidden
    there is hidden here (``hidden`` 'hidden', ``shown`` False); a cell shown
    there shows the same number here (issue 9, H4).  A row whose count
    differs from its cell (counts not taken from the table's data) is hidden
    too.  A small hidden cell and one hidden to protect it look the same (two
    labels give bounds, see :attr:`analysis.protection.CellInfo.n_below`), so
    a hidden group has no expectation and no warning of its own: "a group
    stays under 10 at this pace" goes on its institution's row
    (``below_min``), which names no respondent type.
    """
    out = with_totals(table, min_cell=min_cell)
    if out.empty:
        out["shown"] = out["shown"].astype(bool)
        return out
    shown, hidden = [], []
    for r in out.to_dict("records"):
        cell = data.view(_filters(round_id, r)).respondents
        # a row whose count is not the cell's (rows outside the table's data) is never shown
        same = cell.shown and int(cell.n or 0) == int(r["responded"])
        shown.append(bool(same))
        hidden.append(None if same else "hidden")
    out["hidden"] = pd.Series(hidden, index=out.index, dtype="object")
    out["shown"] = pd.Series(shown, index=out.index, dtype=bool)
    masked = ~out["shown"]
    warned_gis = set(out.loc[masked & out["below_min"] & (out["level"] == "group"), "gi"])
    out["expected"] = out["expected"].astype("float64").mask(masked)
    out["below_min"] = (out["below_min"] & ~masked) | ((out["level"] == "gi") & out["gi"].isin(warned_gis))
    if warned_gis - set(out.loc[out["level"] == "gi", "gi"]):
        # an institution with one respondent type has no total row: its own row carries the warning
        alone = (out["level"] == "group") & out["gi"].isin(warned_gis - set(out.loc[out["level"] == "gi", "gi"]))
        out.loc[alone, "below_min"] = True
    return out


def weekly_responses(
    responses: pd.DataFrame, *, first_week: str | None = None, last_week: str | None = None
) -> pd.DataFrame:
    """Responses per ISO week over all rows of ``responses`` (:data:`WEEKLY_COLUMNS`).

    Weeks without responses between ``first_week`` (default: the first week
    with responses) and ``last_week`` (default: the last) are 0; ``cumulative``
    is the running total.
    """
    per = responses.groupby("submitted_week")["n"].sum() if len(responses) else pd.Series(dtype="int64")
    weeks = sorted(per.index)
    lo = first_week or (weeks[0] if weeks else None)
    hi = last_week or (weeks[-1] if weeks else None)
    if lo is None or hi is None:
        return pd.DataFrame({"week": pd.Series(dtype="object"), "n": [], "cumulative": []}).astype(
            {"n": "int64", "cumulative": "int64"}
        )
    if weeks:
        lo, hi = min(lo, weeks[0]), max(hi, weeks[-1])
    all_weeks = []
    d = _week_monday(lo)
    while _iso_week(d) <= hi:
        all_weeks.append(_iso_week(d))
        d += _dt.timedelta(days=7)
    n = [int(per.get(w, 0)) for w in all_weeks]
    out = pd.DataFrame({"week": all_weeks, "n": n})
    out["n"] = out["n"].astype("int64")
    out["cumulative"] = out["n"].cumsum().astype("int64")
    return out


def mask_weekly(
    weekly: pd.DataFrame,
    *,
    total_shown: bool,
    hidden: Sequence[int] = (),
    parts: pd.DataFrame | None = None,
    part_points: Mapping[str, Collection[int]] | None = None,
    min_cell: int = contract.DEFAULT_MIN_CELL,
) -> pd.DataFrame:
    """The running totals a reader without exact counts may see (issue 9, H4 and (c)); NaN = not shown.

    Per-week counts (``n``) are never shown.  The running total of a week is
    shown only when

    * it is at least ``min_cell`` above the previous shown point (0 at the
      start) and at least ``min_cell`` under the final total (a step: the
      weeks in between carry no value), and it equals no number in
      ``hidden`` (the counts the protected table hides), and, with
      ``parts`` (the running total of each institution in the series, one
      column each, rows as ``weekly``), each institution's running total is
      0 or one of its ``part_points`` (the points its own series shows): a
      total of several institutions then tells nothing their own series do
      not; or
    * it is the last week and ``total_shown``: the final total is a cell the
      protected table shows (and with the same number).

    So any two shown points differ by 0 or at least ``min_cell``, the last
    shown intermediate point is at least ``min_cell`` under the total, and no
    point equals a hidden cell.  The chart, its text alternative and its table
    all show this frame (:func:`weekly_chart`, :func:`weekly_description`,
    :func:`weekly_view`).
    """
    out = weekly.copy()
    cum = [int(v) for v in weekly["cumulative"]]
    allowed = {}
    if parts is not None:
        allowed = {str(g): {0, *(int(v) for v in (part_points or {}).get(g, ()))} for g in parts.columns}

    def parts_ok(i: int) -> bool:
        return all(int(parts[g].iloc[i]) in ok for g, ok in allowed.items())

    keep = [False] * len(cum)
    if cum:
        total, prev, hidden_set = cum[-1], 0, {int(v) for v in hidden}
        for i, c in enumerate(cum[:-1]):
            if c - prev >= min_cell and total - c >= min_cell and c not in hidden_set and parts_ok(i):
                keep[i], prev = True, c
        keep[-1] = bool(total_shown) and total not in hidden_set
    out["n"] = pd.Series(np.nan, index=out.index, dtype="float64")
    out["cumulative"] = pd.Series(cum, index=out.index, dtype="float64").where(pd.Series(keep, index=out.index))
    return out


def weekly_for(
    responses: pd.DataFrame, table: pd.DataFrame, *, exact: bool, min_cell: int = contract.DEFAULT_MIN_CELL
) -> pd.DataFrame:
    """The weekly series a reader sees next to its monitor ``table``: the one rule for chart, text and table.

    ``responses`` are the counts the monitor was made of (``gi``,
    ``respondent_type``, ``submitted_week``, ``n``); the series is
    :func:`weekly_responses` of them.  ``exact`` (roles that run rounds): as
    it is.  Otherwise :func:`mask_weekly` with the counts ``table`` hides (a
    :func:`protected_totals` table) and whether the final total is a shown
    cell of ``table`` with the same number: the round's total when the table
    has one, else the institution's total, else its one group.  A series of
    several institutions shows a point only where each institution's own
    series (this rule on its own rows) shows one, or has 0, or its shown total.
    """
    weekly = weekly_responses(responses)
    if exact:
        return weekly
    hidden = [int(v) for v in table.loc[~table["shown"].astype(bool), "responded"]]
    top = table[table["level"] == "round"]
    if top.empty:
        top = table[table["level"] == "gi"]
    if top.empty:
        top = table[table["level"] == "group"]
    total = int(weekly["cumulative"].iloc[-1]) if len(weekly) else 0
    total_shown = len(top) == 1 and bool(top["shown"].iloc[0]) and int(top["responded"].iloc[0]) == total
    parts = points = None
    if len(responses) and responses["gi"].nunique() > 1:
        per = responses.pivot_table(index="submitted_week", columns="gi", values="n", aggfunc="sum", fill_value=0)
        parts = per.reindex(weekly["week"], fill_value=0).cumsum()
        points = {}
        for g in parts.columns:
            own = weekly_for(responses[responses["gi"] == g], table[table["gi"] == g], exact=False, min_cell=min_cell)
            points[g] = [int(v) for v in own["cumulative"].dropna()]
    return mask_weekly(
        weekly, total_shown=total_shown, hidden=hidden, parts=parts, part_points=points, min_cell=min_cell
    )


# --------------------------------------------------------------------------- display


def _fmt_date(d) -> str:
    d = _date(d)
    return d.strftime("%d-%m-%Y") if d is not None else "-"


def monitor_view(table: pd.DataFrame, *, lang: str = "nl", min_cell: int = contract.DEFAULT_MIN_CELL) -> pd.DataFrame:
    """A :func:`with_totals` table as display strings with headers in ``lang``.

    Hidden counts (rows of :func:`protected_totals`) read "verborgen", small
    or protecting alike; their response rate, pace and expectation are
    hidden too (with the dates an expectation gives the count away, and
    "minder dan 10" would tell which hidden group is the small one).
    """
    rows = []
    with_total = set(table.loc[table["level"] == "gi", "gi"])
    for r in table.to_dict("records"):
        if r["level"] == "round":
            gi = t("total_round", lang)
            rt = ""
        else:
            gi = f"{r['gi']} - {contract.GI_NAMES.get(r['gi'], r['gi'])}" if r["gi"] in contract.GI_NAMES else r["gi"]
            rt = (
                t("total_gi", lang)
                if r["level"] == "gi"
                else category_label("respondent_type", r["respondent_type"], lang)
            )
        if r["shown"]:
            resp = str(r["responded"])
            rate = "-" if pd.isna(r["response_rate"]) else fmt_pct(100 * r["response_rate"], lang=lang)
            per = "-" if pd.isna(r["per_week"]) else fmt_number(r["per_week"], 1, lang=lang)
            exp = "-" if pd.isna(r["expected"]) else fmt_number(r["expected"], 0, lang=lang)
        else:
            # from the protected table: one text whether small or protecting, and no expectation
            # (with the dates it gives the count away; "minder dan 10" would tell which group is small)
            resp, rate, per, exp = t("protect", lang), "-", "-", "-"
        notes = []
        # institution notes go on its total row, or on its only row when it has no total
        gi_notes = r["level"] == "gi" or (r["level"] == "group" and r["gi"] not in with_total)
        if gi_notes:
            if r["late"]:
                notes.append(t("late", lang))
            if r["own_report_waits"]:
                notes.append(t("own_report_waits", lang))
            if not r["national"]:
                notes.append(t("not_national", lang))
        if r["below_min"]:
            if r["level"] == "gi":  # protected monitor: some group of this institution, not which one
                notes.append("⚠ " + i18n.text("monitor_protect.group_below_min", lang, m=min_cell))
            else:
                notes.append("⚠ " + t("below_min", lang, m=min_cell))
        rows.append(
            {
                t("gi", lang): gi,
                t("respondent_type", lang): rt,
                t("opens", lang): _fmt_date(r["opens"]) if r["level"] != "round" else "",
                t("closes", lang): _fmt_date(r["closes"]) if r["level"] != "round" else "",
                t("status", lang): t("status_value." + r["status"], lang) if r["level"] != "round" else "",
                t("invited", lang): str(r["invited"]),
                t("responded", lang): resp,
                t("response_rate", lang): rate,
                t("per_week", lang): per,
                t("expected", lang): exp,
                t("note", lang): "; ".join(notes),
            }
        )
    return pd.DataFrame(rows)


def _weekly_cell(value, lang: str) -> str:
    """A weekly count for display: the number, or "niet getoond" when :func:`mask_weekly` held it back."""
    return i18n.text("monitor_protect.not_shown", lang) if pd.isna(value) else count_text(int(value), lang)


def weekly_view(
    weekly: pd.DataFrame,
    *,
    lang: str = "nl",
    cumulative_only: bool = False,
    min_cell: int = contract.DEFAULT_MIN_CELL,
) -> pd.DataFrame:
    """The numbers of :func:`weekly_chart` as a display table (strings, headers in ``lang``).

    Columns: week, responses, total so far (``cumulative_only``: week and total so far,
    the same numbers the chart shows).  A number :func:`mask_weekly` held back reads
    "niet getoond".
    """
    week_t, n_t, cum_t = t("chart_week", lang), t("chart_responses", lang), t("chart_cumulative", lang)
    out = pd.DataFrame({week_t: [str(w) for w in weekly["week"]]})
    if not cumulative_only:
        out[n_t] = [_weekly_cell(v, lang) for v in weekly["n"]]
    out[cum_t] = [_weekly_cell(v, lang) for v in weekly["cumulative"]]
    return out


def weekly_description(
    weekly: pd.DataFrame,
    *,
    lang: str = "nl",
    cumulative_only: bool = False,
    min_cell: int = contract.DEFAULT_MIN_CELL,
) -> str:
    """The chart's text alternative: what it shows and every number of it, in ``lang``."""
    if weekly.empty:
        return i18n.text("a11y2.weekly.empty", lang)
    cells = []
    for r in weekly.itertuples():
        cum = _weekly_cell(r.cumulative, lang)
        if cumulative_only and pd.isna(r.cumulative):
            cells.append(i18n.text("monitor_protect.week_not_shown", lang, week=str(r.week)))
        elif cumulative_only:
            cells.append(i18n.text("a11y2.weekly.week_cumulative", lang, week=str(r.week), cumulative=cum))
        else:
            n = _weekly_cell(r.n, lang)
            cells.append(i18n.text("a11y2.weekly.week", lang, week=str(r.week), n=n, cumulative=cum))
    key = "a11y2.weekly.description_cumulative" if cumulative_only else "a11y2.weekly.description"
    return i18n.text(
        key, lang, first=str(weekly["week"].iloc[0]), last=str(weekly["week"].iloc[-1]), weeks="; ".join(cells)
    )


def weekly_chart(
    weekly: pd.DataFrame,
    *,
    lang: str = "nl",
    cumulative_only: bool = False,
    min_cell: int = contract.DEFAULT_MIN_CELL,
):
    """Responses per week (bars) and the running total (line), Dutch or English labels.

    ``cumulative_only``: just the running total (for readers without exact
    counts; weeks :func:`mask_weekly` held back are left out and the line
    goes up in steps between the shown points).  The chart has a
    title and a ``description`` (:func:`weekly_description`) for screen
    readers, and the number locale of ``lang`` (:func:`analysis.charts.localised`).
    """
    title = i18n.text("a11y2.weekly.title", lang)
    desc = weekly_description(weekly, lang=lang, cumulative_only=cumulative_only, min_cell=min_cell)
    week_t, n_t, cum_t = t("chart_week", lang), t("chart_responses", lang), t("chart_cumulative", lang)
    data = weekly.rename(columns={"week": week_t, "n": n_t, "cumulative": cum_t})
    base = alt.Chart(data).encode(x=alt.X(f"{week_t}:O", title=week_t, axis=alt.Axis(labelAngle=0)))
    line = (
        base.mark_line(point=True, color="#1f4e79", interpolate="step-after" if cumulative_only else "linear")
        .encode(y=alt.Y(f"{cum_t}:Q", title=cum_t), tooltip=[week_t, cum_t])
        .transform_filter(f"isValid(datum['{cum_t}'])")
    )
    if cumulative_only:
        return localised(line.properties(height=260, title=title, description=desc), lang)
    bars = base.mark_bar(color="#9ecae1").encode(y=alt.Y(f"{n_t}:Q", title=n_t), tooltip=[week_t, n_t])
    chart = alt.layer(bars, line).resolve_scale(y="independent")
    return localised(chart.properties(height=260, title=title, description=desc), lang)
