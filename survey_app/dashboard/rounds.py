"""Rondes: run a survey round from the staff app.

The page ``survey_app/web/screens/rondes.py`` calls :func:`page` with the
person's :class:`RoundsAccess`.  Sections, for the chosen round:

* **Nieuwe ronde** (:func:`render_create`): name, institutions, respondent
  types, dates (per institution when one starts later), open link or access
  codes, languages offered.
* **Instellingen** (:func:`render_settings`): dates per institution, whether an
  institution counts in the national figures, languages, whether the round
  offers the easy-read version (:func:`render_easy_read`), close, reopen,
  archive.
* **Brieven** (:func:`render_letters`): access codes per institution and
  respondent type and ready-to-print letters (PDF, Word) with a QR code, plus
  the mail-merge CSV; reminder letters from that CSV.  Codes exist in this
  session only until "Klaar" (the database keeps keyed hashes).
* **Respons** (:func:`render_monitor`): invited, responded, response rate and
  pace per institution and respondent type (:mod:`analysis.monitor`); the
  responses per week as a chart with its text alternative and as a table.
* **Voorbeeld** (:func:`render_preview`): the questionnaire as a parent or a
  young person sees it, per language offered, with the respondent widgets
  (read-only).
* **Versies** (:func:`render_versions`): which items differ between the
  round's questionnaire version and another one.

Who may do what is decided by :meth:`RoundsAccess.can` only;
:func:`current_access` builds it from the signed-in account.  Every change
and every set of letters made or downloaded goes through
:mod:`survey_app.auth.actions`, which writes it to the audit log (the account
name; counts, never a code).

Exact response counts: ``beheerder`` and ``inspecteur`` run rounds and see
exact counts per institution and respondent type to follow the fieldwork
(counts, never answers).  Everyone else sees the counts of the one protected
table (:func:`analysis.monitor.protected_totals`: a cell hidden there is
hidden here, a shown cell has the same number) and the weekly running total
in steps of at least the minimum cell size (:func:`analysis.monitor.weekly_for`).

Texts: ``rounds.*`` in the catalogs (:func:`t`).  Widget keys start with ``rnd_``.
"""

from __future__ import annotations

import datetime as _dt
import os
from dataclasses import asdict, dataclass
from typing import Any

import pandas as pd
import streamlit as st

from analysis import contract, i18n, letters, monitor, wording
from analysis import questionnaire_diff as qdiff
from survey_app.auth import actions
from survey_app.respond import flow
from survey_app.respond import widgets as ui

from . import context
from .data_access import scope_for
from .downloads import show_chart, show_table

#: roles that run rounds for every institution and see exact response counts
RUNNING_ROLES = ("beheerder", "inspecteur")
ROLES = ("beheerder", "inspecteur", "gi", "onderzoeker")
ACTIONS = ("view", "create", "edit", "close", "archive", "letters", "monitor", "preview")
#: where respondents reach the questionnaire (printed in the letters); else this server's address
PUBLIC_URL_ENV = "SURVEY_PUBLIC_URL"
LETTERS_KEY = "rnd_letters"
#: the uploaded mail-merge file whose reminders were written to the audit log
REMINDERS_AUDITED_KEY = "rnd_rem_audited"

#: the catalog namespace of the page's texts (``rounds.<key>`` in ``analysis/locales/<lang>.yaml``)
TEXT_NAMESPACE = "rounds."


def t(key: str, lang_: str | None = None, **fmt: Any) -> str:
    """Text ``rounds.<key>`` of the catalog in ``lang_`` or the chosen dashboard language."""
    return i18n.text(TEXT_NAMESPACE + key, lang_ or context.lang(), **fmt)


# --------------------------------------------------------------------------- access


@dataclass(frozen=True)
class RoundsAccess:
    """What one person may do with rounds: from the role (and, for a ``gi``, its institution).

    * ``beheerder``, ``inspecteur``: every round and action; exact response counts.
    * ``gi``: sees rounds of its own institution (monitor rows of its own
      institution only); creates, changes and makes letters only for a round
      of its own institution alone (self-evaluation).
    * ``onderzoeker``: sees rounds, the preview and the monitor (counts under
      the minimum hidden); changes nothing.
    * anything else (no role): nothing.
    """

    role: str | None
    gi: str | None = None
    #: the account name, written to the audit log with every change (survey_app.auth.actions)
    name: str | None = None

    @property
    def actor(self) -> str:
        """Who acts, for the audit log: the account name (the role when there is none)."""
        return self.name or f"role:{self.role}"

    @property
    def exact_counts(self) -> bool:
        return self.role in RUNNING_ROLES

    def sees(self, info) -> bool:
        if self.role in RUNNING_ROLES or self.role == "onderzoeker":
            return True
        return self.role == "gi" and self.gi is not None and self.gi in info.gis

    def own_round(self, info) -> bool:
        return self.role == "gi" and self.gi is not None and tuple(info.gis) == (self.gi,)

    def can(self, action: str, info=None) -> bool:
        """May this person do ``action`` (:data:`ACTIONS`), on round ``info`` when given?"""
        if action not in ACTIONS:
            raise ValueError(f"unknown action {action!r}")
        if self.role in RUNNING_ROLES:
            return True
        if self.role == "onderzoeker":
            return action in ("view", "preview", "monitor") and (info is None or self.sees(info))
        if self.role == "gi" and self.gi:
            if action == "create":
                return True
            if action in ("view", "preview", "monitor"):
                return info is None or self.sees(info)
            return info is not None and self.own_round(info)
        return False

    def visible_gis(self, info) -> tuple[str, ...]:
        """The institutions of the round whose monitor rows this person sees."""
        if self.role == "gi":
            return tuple(g for g in info.gis if g == self.gi)
        return tuple(info.gis)


def current_access() -> RoundsAccess:
    """The signed-in person's access (role and institution from the account, checked on every run).

    Not signed in, or a role without the Rondes page: a message and ``st.stop()``.
    """
    from survey_app.auth import session

    access = session.require_page("rondes")
    session.account_box(access)  # who is signed in, and the sign-out button, as on every staff page
    return RoundsAccess(role=access.role, gi=access.gi, name=access.name)


# --------------------------------------------------------------------------- helpers


def _status(info, today: _dt.date) -> str:
    return info.status(today)


def _round_label(info, today: _dt.date) -> str:
    label = f"{info.name} ({t('status.' + _status(info, today))})"
    return label + f" · {t('archived')}" if info.archived else label


def _gi_label(gi: str) -> str:
    return f"{gi} - {contract.GI_NAMES[gi]}" if gi in contract.GI_NAMES else gi


def _type_label(rt: str, lang_: str) -> str:
    return wording.category_label("respondent_type", rt, lang_)


def _fmt_date(d: _dt.date | None) -> str:
    return d.strftime("%d-%m-%Y") if d else "-"


def _default_base_url() -> str:
    env = os.environ.get(PUBLIC_URL_ENV, "").strip()
    if env:
        return env
    try:
        url = st.context.url or ""
    except Exception:  # pragma: no cover - outside a running app
        url = ""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else "http://localhost:8501"


def _questionnaire_of(info):
    versions = qdiff.known_versions()
    return versions.get(info.questionnaire_version) or ui.get_questionnaire()


def _run(fn, *args, **kwargs):
    """Call a storage write; show the error and return None when it fails."""
    from survey_app.storage import StorageError

    try:
        return fn(*args, **kwargs)
    except (StorageError, ValueError) as exc:
        st.error(t("error", e=exc), icon=":material/error:")
        return None


# --------------------------------------------------------------------------- create


def render_create(storage, access: RoundsAccess, lang_: str, today: _dt.date):
    """The 'Nieuwe ronde' section; returns the new round (or None)."""
    made = None
    with st.expander(t("new"), icon=":material/add:", expanded=not storage.list_rounds()):
        name = st.text_input(t("new_name"), key="rnd_new_name", max_chars=200, help=t("new_name_help"))
        if access.role == "gi":
            gis = [access.gi]
            st.write(f"{t('new_gis')}: {_gi_label(access.gi)}")
        else:
            gis = st.multiselect(
                t("new_gis"),
                list(contract.GI_CODES),
                default=list(contract.GI_CODES),
                key="rnd_new_gis",
                format_func=_gi_label,
            )
        types = st.multiselect(
            t("new_types"),
            list(contract.RESPONDENT_TYPES),
            default=list(contract.RESPONDENT_TYPES),
            key="rnd_new_types",
            format_func=lambda v: _type_label(v, lang_),
        )
        c1, c2 = st.columns(2)
        opens = c1.date_input(t("new_opens"), value=today, key="rnd_new_opens", format="DD-MM-YYYY")
        closes = c2.date_input(
            t("new_closes"), value=today + _dt.timedelta(weeks=6), key="rnd_new_closes", format="DD-MM-YYYY"
        )
        gi_dates: dict[str, tuple] = {}
        if len(gis) > 1 and st.checkbox(t("new_own_dates"), key="rnd_new_own_dates"):
            st.caption(t("new_gi_dates_help"))
            for gi in gis:
                c1, c2 = st.columns(2)
                o = c1.date_input(t("new_gi_opens", gi=gi), value=None, key=f"rnd_new_opens_{gi}", format="DD-MM-YYYY")
                c = c2.date_input(
                    t("new_gi_closes", gi=gi), value=None, key=f"rnd_new_closes_{gi}", format="DD-MM-YYYY"
                )
                if o is not None or c is not None:
                    gi_dates[gi] = (o, c)
        access_mode = st.radio(
            t("new_access"),
            ["codes", "open"],
            key="rnd_new_access",
            index=1 if access.role == "gi" else 0,
            format_func=lambda v: t("access." + v),
        )
        if access_mode == "open":  # padding before close (docs/disclosure.md, "Two decisions")
            st.warning(t("open_padding"), icon=":material/info:")
        langs = st.multiselect(
            t("new_langs"),
            list(letters_langs()),
            default=list(letters_langs()),
            key="rnd_new_langs",
            format_func=lambda v: t("language." + v),
        )
        st.caption(t("new_version", v=ui.get_questionnaire().version_key))
        if st.button(t("new_button"), type="primary", key="rnd_new_create", icon=":material/add_circle:"):
            made = _run(
                actions.setup_round,
                storage,
                actor=access.actor,
                name=name,
                gis=gis,
                respondent_types=types,
                opens=opens,
                closes=closes,
                gi_dates=gi_dates,
                access=access_mode,
                languages=langs,
            )
            if made is not None:
                context.clear_data_cache()
                st.success(t("new_done", name=made.name), icon=":material/check_circle:")
    return made


def letters_langs() -> tuple[str, ...]:
    from survey_app.storage.rounds import LANGUAGES

    return LANGUAGES


# --------------------------------------------------------------------------- settings


def _windows_frame(windows, info, today: _dt.date) -> pd.DataFrame:
    return pd.DataFrame(
        {
            t("col_gi"): [_gi_label(w.gi) for w in windows],
            t("col_opens"): [_fmt_date(w.opens) for w in windows],
            t("col_closes"): [_fmt_date(w.closes) for w in windows],
            t("col_status"): [t("status." + w.status(info.closed, today)) for w in windows],
            t("col_late"): [t("yes") if w.late else "" for w in windows],
            t("col_national"): [t("yes") if w.national else t("no") for w in windows],
        }
    )


def render_settings(storage, info, access: RoundsAccess, lang_: str, today: _dt.date) -> None:
    status = _status(info, today)
    st.markdown(
        t(
            "facts",
            status=t("status." + status) + (f", {t('archived')}" if info.archived else ""),
            access=t("access_short." + info.access),
            langs=", ".join(t("language." + x) for x in info.languages),
            version=info.questionnaire_version,
        )
    )
    windows = storage.institution_windows(info.id)
    st.subheader(t("windows_head"))
    show_table(_windows_frame(windows, info, today), key="rnd_windows_table")
    if not access.can("edit", info):
        st.info(t("read_only"), icon=":material/visibility:")
        return
    rid = info.id
    with st.expander(t("edit_dates"), icon=":material/edit_calendar:"):
        which = st.selectbox(
            t("edit_which"),
            ["*", *info.gis],
            key=f"rnd_edit_gi_{rid}",
            format_func=lambda g: t("edit_all") if g == "*" else _gi_label(g),
        )
        ref = windows[0] if which == "*" else next(w for w in windows if w.gi == which)
        c1, c2 = st.columns(2)
        o = c1.date_input(t("col_opens"), value=ref.opens, key=f"rnd_edit_opens_{rid}_{which}", format="DD-MM-YYYY")
        c = c2.date_input(t("col_closes"), value=ref.closes, key=f"rnd_edit_closes_{rid}_{which}", format="DD-MM-YYYY")
        if st.button(t("edit_save"), key=f"rnd_edit_save_{rid}", icon=":material/save:"):
            targets = info.gis if which == "*" else (which,)
            dates = {g: (o, c) for g in targets}
            if _run(actions.set_institution_dates, storage, rid, dates, actor=access.actor) is not None:
                st.success(t("edit_saved"))
                st.rerun()
    st.subheader(t("national_head"))
    st.caption(t("national_help"))
    for w in windows:
        key = f"rnd_nat_{rid}_{w.gi}"
        value = st.checkbox(t("national_box", gi=_gi_label(w.gi)), value=w.national, key=key)
        if value != w.national:
            _run(actions.set_national, storage, rid, w.gi, value, actor=access.actor)
            context.clear_data_cache()
    langs = st.multiselect(
        t("new_langs"),
        list(letters_langs()),
        default=list(info.languages),
        key=f"rnd_langs_{rid}",
        format_func=lambda v: t("language." + v),
    )
    if tuple(langs) != tuple(info.languages) and st.button(t("langs_save"), key=f"rnd_langs_save_{rid}"):
        if _run(actions.set_languages, storage, rid, langs, actor=access.actor) is not None:
            st.success(t("langs_saved"))
            st.rerun()
    render_easy_read(storage, info, access)
    st.subheader(t("close_head"))
    if not access.can("close", info):
        return
    if not info.closed:
        sure = st.checkbox(t("close_confirm"), key=f"rnd_close_sure_{rid}")
        if st.button(t("close_button"), key=f"rnd_close_{rid}", disabled=not sure, icon=":material/lock:"):
            if _run(actions.close_round, storage, rid, actor=access.actor) is not None:
                context.clear_data_cache()
                st.success(t("closed_done"))
                st.rerun()
    elif not info.archived:
        new_close = st.date_input(
            t("reopen_closes"),
            value=max(today, info.closes or today) + _dt.timedelta(weeks=2),
            key=f"rnd_reopen_closes_{rid}",
            format="DD-MM-YYYY",
            min_value=today,
        )
        c1, c2 = st.columns(2)
        if c1.button(t("reopen_button"), key=f"rnd_reopen_{rid}", icon=":material/lock_open:"):
            if _run(actions.reopen_round, storage, rid, closes=new_close, today=today, actor=access.actor) is not None:
                st.success(t("reopened"))
                st.rerun()
        if access.can("archive", info) and c2.button(
            t("archive_button"), key=f"rnd_archive_{rid}", help=t("archive_help"), icon=":material/archive:"
        ):
            if _run(actions.archive_round, storage, rid, True, actor=access.actor) is not None:
                st.success(t("archived_done"))
                st.rerun()
    elif access.can("archive", info):
        if st.button(t("unarchive_button"), key=f"rnd_unarchive_{rid}", icon=":material/unarchive:"):
            if _run(actions.archive_round, storage, rid, False, actor=access.actor) is not None:
                st.success(t("unarchived_done"))
                st.rerun()


def render_easy_read(storage, info, access: RoundsAccess) -> None:
    """Whether the round offers the easy-read version (issue 12); the change is audited."""
    st.subheader(i18n.text("a11y2.easy_read.head", context.lang()))
    st.caption(i18n.text("a11y2.easy_read.help", context.lang()))
    offered = st.toggle(
        i18n.text("a11y2.easy_read.toggle", context.lang()), value=info.easy_read, key=f"rnd_easy_read_{info.id}"
    )
    if offered != info.easy_read:
        if _run(actions.set_easy_read, storage, info.id, offered, actor=access.actor) is not None:
            st.success(i18n.text("a11y2.easy_read.on" if offered else "a11y2.easy_read.off", context.lang()))


# --------------------------------------------------------------------------- letters


def _audited(make, storage, rid: str, made: list, fmt: str, reminder: bool):
    """The file of a download button: made only while the session is signed in; the download is audited."""
    from survey_app.auth.session import guard

    def audit(actor: str) -> None:
        actions.letters_downloaded(storage, rid, made, fmt, actor=actor, reminder=reminder)

    return guard(make, rid, audit_with=audit)


def _letters_downloads(kind: str, made: list, rid: str, reminder: bool = False) -> None:
    pdf_key, docx_key = ("dl_rem_pdf", "dl_rem_docx") if reminder else ("dl_pdf", "dl_docx")
    base = f"{'herinnering' if reminder else 'brieven'}-{rid}"
    storage = ui.get_storage()
    with st.container(horizontal=True, gap="small"):
        st.download_button(
            t(pdf_key),
            data=_audited(lambda: letters.letters_pdf(made), storage, rid, made, "pdf", reminder),
            file_name=f"{base}.pdf",
            mime="application/pdf",
            key=f"rnd_{kind}_pdf",
            on_click="ignore",
            icon=":material/picture_as_pdf:",
            type="primary",
        )
        st.download_button(
            t(docx_key),
            data=_audited(lambda: letters.letters_docx(made), storage, rid, made, "docx", reminder),
            file_name=f"{base}.docx",
            mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            key=f"rnd_{kind}_docx",
            on_click="ignore",
            icon=":material/description:",
        )
        if not reminder:
            st.download_button(
                t("dl_csv"),
                data=_audited(lambda: letters.mail_merge_csv(made), storage, rid, made, "csv", reminder),
                file_name=f"adressen-{rid}.csv",
                mime="text/csv",
                key=f"rnd_{kind}_csv",
                on_click="ignore",
                icon=":material/table:",
            )


def render_letters(storage, info, access: RoundsAccess, lang_: str, today: _dt.date) -> None:
    rid = info.id
    codes = info.access == "codes"
    st.write(t("letters_intro_codes" if codes else "letters_intro_open"))
    if not access.can("letters", info):
        st.info(t("read_only"), icon=":material/visibility:")
        return
    base_url = st.text_input(t("base_url"), value=_default_base_url(), key="rnd_base_url", help=t("base_url_help"))
    sender = st.text_input(t("sender"), key="rnd_sender", max_chars=200)
    held = st.session_state.get(LETTERS_KEY)
    if held and held.get("round_id") == rid:
        st.success(t("letters_ready", n=len(held["letters"])), icon=":material/check_circle:")
        st.warning(t("letters_keep"), icon=":material/key:")
        _letters_downloads("let", held["letters"], rid)
        if st.button(t("letters_done"), key="rnd_let_done", icon=":material/delete:"):
            st.session_state.pop(LETTERS_KEY, None)
            st.rerun()
    elif info.closed or info.archived or _status(info, today) == "closed":
        st.info(t("letters_closed"), icon=":material/lock:")
    else:
        gis = st.multiselect(
            t("letters_gis"), list(info.gis), default=list(info.gis), key=f"rnd_let_gis_{rid}", format_func=_gi_label
        )
        types = st.multiselect(
            t("letters_types"),
            list(info.respondent_types),
            default=list(info.respondent_types),
            key=f"rnd_let_types_{rid}",
            format_func=lambda v: _type_label(v, lang_),
        )
        n = st.number_input(t("letters_n"), min_value=1, max_value=5000, value=10, step=1, key="rnd_let_n")
        label = t("letters_make_codes" if codes else "letters_make_open")
        if st.button(label, type="primary", key="rnd_let_make", icon=":material/mail:"):
            if not gis or not types:
                st.warning(t("letters_choose"))
            else:
                made = _make_letters(storage, info, gis, types, int(n), base_url, sender, today, access.actor)
                if made:
                    actions.letters_made(storage, rid, made, actor=access.actor)
                    st.session_state[LETTERS_KEY] = {"round_id": rid, "letters": made}
                    st.rerun()
    if codes:
        render_reminder(storage, info, base_url, sender, access.actor)


def _make_letters(storage, info, gis, types, n, base_url, sender, today, actor: str) -> list:
    try:
        letters.check_base_url(base_url)
    except ValueError as exc:
        st.error(t("error", e=exc))
        return []
    windows = {w.gi: w for w in storage.institution_windows(info.id)}
    made: list = []
    for gi in gis:
        for rt in types:
            if info.access == "codes":
                codes = _run(actions.issue_codes, storage, info.id, gi, rt, n, today=today, actor=actor)
                if codes is None:
                    return made
                how = {"codes": codes}
            else:
                if _run(actions.record_invitations, storage, info.id, gi, rt, n, today=today, actor=actor) is None:
                    return made
                how = {"n": n}
            made += letters.make_letters(
                base_url=base_url,
                round_id=info.id,
                round_name=info.name,
                gi=gi,
                respondent_type=rt,
                closes=windows[gi].closes,
                languages=info.languages,
                sender=sender,
                **how,
            )
    return made


def render_reminder(storage, info, base_url: str, sender: str, actor: str) -> None:
    st.subheader(t("reminder_head"))
    st.caption(t("reminder_help"))
    upload = st.file_uploader(t("reminder_file"), type=["csv"], key=f"rnd_rem_file_{info.id}")
    if upload is None:
        return
    rows, report = letters.read_mail_merge(upload.getvalue(), file=upload.name, round_id=info.id)
    if not report.ok:
        for e in report.errors[:10]:
            st.error(e.text(context.lang()), icon=":material/error:")
        return
    bad = storage.unknown_codes(info.id, [r.code or "" for r in rows])
    if bad:
        st.error(t("reminder_bad_codes", n=len(bad), ex=", ".join(bad[:3])), icon=":material/error:")
        return
    try:
        letters.check_base_url(base_url)
    except ValueError as exc:
        st.error(t("error", e=exc))
        return
    windows = {w.gi: w for w in storage.institution_windows(info.id)}
    made = []
    for r in rows:
        closes = windows[r.gi].closes if r.gi in windows else info.closes
        made += letters.make_letters(
            base_url=base_url,
            round_id=info.id,
            round_name=info.name,
            gi=r.gi,
            respondent_type=r.respondent_type,
            codes=[r.code],
            closes=closes,
            languages=info.languages,
            sender=sender,
            reminder=True,
        )
    if st.session_state.get(REMINDERS_AUDITED_KEY) != upload.file_id:  # once per uploaded file, not per rerun
        actions.letters_made(storage, info.id, made, actor=actor, reminder=True)
        st.session_state[REMINDERS_AUDITED_KEY] = upload.file_id
    st.success(t("reminder_ready", n=len(made)), icon=":material/check_circle:")
    _letters_downloads("rem", made, info.id, reminder=True)


# --------------------------------------------------------------------------- monitor


def _monitor_data(storage, access: RoundsAccess, round_id: str):
    """The protected table the monitor of ``round_id`` reads (:func:`context.protected_round`): the
    reader's own table for a closed round, the live one for a round still open (counts only)."""
    return context.protected_round(storage, scope_for(access.role, access.gi), round_id)


def _monitor_counts(storage, info, access: RoundsAccess, min_cell: int) -> pd.DataFrame:
    """Responses per institution, type and week the monitor counts: live for those who run rounds,
    else the protected table's own data (so every count is one of its cells, issue 9 H4)."""
    visible = list(access.visible_gis(info))
    if access.exact_counts:
        resp = storage.response_counts(info.id)
        return resp[resp["gi"].isin(visible)]
    return monitor.table_counts(_monitor_data(storage, access, info.id), round_id=info.id, gis=visible)


def monitor_table(storage, info, access: RoundsAccess, today: _dt.date, min_cell: int, resp=None) -> pd.DataFrame:
    """The monitor of one round as this person may see it.

    Exact (:func:`analysis.monitor.with_totals`) for those who run rounds;
    for everyone else every count is read from the one protected table
    (:func:`analysis.monitor.protected_totals`).
    """
    visible = set(access.visible_gis(info))
    windows = pd.DataFrame([asdict(w) for w in storage.institution_windows(info.id) if w.gi in visible])
    if windows.empty:
        windows = pd.DataFrame(columns=["gi", "opens", "closes", "national", "late"])
    resp = _monitor_counts(storage, info, access, min_cell) if resp is None else resp
    inv = storage.invitation_counts(info.id)
    table = monitor.response_monitor(
        resp,
        invited=inv[inv["gi"].isin(visible)],
        windows=windows,
        respondent_types=info.respondent_types,
        today=today,
        round_closed=info.closed,
        min_cell=min_cell,
    )
    if access.exact_counts:
        return monitor.with_totals(table, min_cell=min_cell)
    data = _monitor_data(storage, access, info.id)
    return monitor.protected_totals(table, data, round_id=info.id, min_cell=min_cell)


def render_monitor(storage, info, access: RoundsAccess, lang_: str, today: _dt.date) -> None:
    min_cell = contract.DEFAULT_MIN_CELL
    resp = _monitor_counts(storage, info, access, min_cell)
    table = monitor_table(storage, info, access, today, min_cell, resp)
    top = table[table["level"] == "round"]
    if top.empty:
        top = table[table["level"] == "gi"] if (table["level"] == "gi").sum() == 1 else table
    if len(top) == 1:
        row = monitor.monitor_view(top, lang=lang_, min_cell=min_cell).iloc[0]
        with st.container(horizontal=True, key="rnd_monitor_metrics"):
            for col in ("invited", "responded", "response_rate"):
                label = monitor.t(col, lang_)
                st.metric(label, row[label], border=True, width=200)
    exact = access.exact_counts
    st.caption(t("monitor_exact", m=min_cell) if exact else i18n.text("monitor_protect.masked", lang_, m=min_cell))
    st.caption(t("monitor_pace"))
    show_table(monitor.monitor_view(table, lang=lang_, min_cell=min_cell), key="rnd_monitor_table")
    groups = table[table["level"] == "group"]
    for r in groups[groups["below_min"]].itertuples():
        st.warning(
            t("monitor_warn", gi=_gi_label(r.gi), rt=_type_label(r.respondent_type, lang_), m=min_cell),
            icon=":material/warning:",
        )
    for r in table[(table["level"] == "gi") & table["below_min"]].itertuples():
        # protected monitor: a hidden group is not named (it would tell which hidden group is small)
        st.warning(
            i18n.text("monitor_protect.warn_gi", lang_, gi=_gi_label(r.gi), m=min_cell), icon=":material/warning:"
        )
    late = groups[groups["late"]].drop_duplicates("gi")
    for r in late.itertuples():
        key = "monitor_late" if r.national else "monitor_late_not_national"
        st.info(t(key, gi=_gi_label(r.gi), d=_fmt_date(r.opens)), icon=":material/schedule:")
    if exact and info.access == "codes":
        c = storage.count_codes(info.id)
        st.caption(t("monitor_codes", issued=c["issued"], used=c["used"]))
    st.subheader(t("monitor_weekly"))
    if resp.empty:
        st.info(t("monitor_none"), icon=":material/hourglass_empty:")
        return
    # one rule for the chart, its text alternative and its table (issue 9, H4 and (c))
    shown = monitor.weekly_for(resp, table, exact=exact, min_cell=min_cell)
    if not exact:
        st.caption(i18n.text("monitor_protect.weekly_rule", lang_, m=min_cell))
    opts = {"lang": lang_, "cumulative_only": not exact, "min_cell": min_cell}
    # the chart with its text alternative, and its numbers as a table (WCAG 1.1.1, issue 12)
    show_chart(monitor.weekly_chart(shown, **opts), key="rnd_weekly_chart")
    show_table(monitor.weekly_view(shown, **opts), key="rnd_weekly_table")


# --------------------------------------------------------------------------- preview


def _condition_text(q, item, rt: str, lang_: str) -> str:
    cond = item.show_if
    target = q.item(cond.item)
    if cond.op == "in":
        value = ", ".join(target.label(v, lang_) for v in cond.value)
    else:
        value = target.label(cond.value, lang_) if target.options else str(cond.value)
    op = {"==": "", "in": ""}.get(cond.op, cond.op + " ")
    return t("preview_only_if", q=f"{target.question(rt, lang_)} → {op}{value}")


def render_preview(info, lang_: str) -> None:
    q = _questionnaire_of(info)
    st.caption(t("preview_intro"))
    rid = info.id
    c1, c2 = st.columns(2)
    plang = c1.radio(
        t("preview_lang"),
        list(info.languages),
        key=f"rnd_pv_lang_{rid}",
        horizontal=True,
        format_func=lambda v: t("language." + v),
    )
    rt = c2.radio(
        t("preview_type"),
        list(info.respondent_types),
        key=f"rnd_pv_type_{rid}",
        horizontal=True,
        format_func=lambda v: _type_label(v, lang_),
    )
    state = flow.FlowState(round_id=rid, lang=plang, respondent_type=rt)
    with st.container(border=True, key=f"rnd_preview_{plang}_{rt}"):
        st.header(flow.t("welcome_title", plang))
        st.write(flow.t("welcome_intro", plang))
        st.markdown(f"**{flow.t('welcome_anon_title', plang)}**")
        st.markdown(flow.t("welcome_anon", plang))
        for step in q.steps:
            st.subheader(step.heading(rt, plang))
            for item in q.items_in_step(step.id):
                if item.show_if is not None:
                    st.caption(_condition_text(q, item, rt, lang_))
                ui.render_item(item, state, key=f"rnd_pv_{rid}_{plang}_{rt}_{item.id}", disabled=True)
        st.subheader(flow.t("thanks_title", plang))
        st.write(flow.t("thanks_body", plang, rt))


# --------------------------------------------------------------------------- versions


def render_versions(info, lang_: str) -> None:
    from analysis.questionnaire import QuestionnaireError

    st.write(t("versions_intro"))
    versions = qdiff.known_versions()
    st.markdown(t("versions_round", v=f"`{info.questionnaire_version}`"))
    a = versions.get(info.questionnaire_version)
    current = ui.get_questionnaire()
    if a is None:
        st.warning(t("versions_unknown", v=info.questionnaire_version, cur=current.version_key))
        a = current
    other_key = st.selectbox(t("versions_other"), list(versions), key=f"rnd_ver_other_{info.id}")
    b = versions[other_key]
    upload = st.file_uploader(t("versions_upload"), type=["yaml", "yml"], key=f"rnd_ver_file_{info.id}")
    if upload is not None:
        try:
            b = qdiff.read_questionnaire(upload.getvalue(), file=upload.name)
        except QuestionnaireError as exc:
            st.error(str(exc), icon=":material/error:")
            return
    diff = qdiff.diff_questionnaires(a, b)
    changed = diff[diff["change"] != "same"]
    if changed.empty:
        st.success(t("versions_same"), icon=":material/check_circle:")
        return
    st.caption(
        t(
            "versions_summary",
            changed=int((diff["change"] == "changed").sum()),
            added=int((diff["change"] == "added").sum()),
            removed=int((diff["change"] == "removed").sum()),
            broken=int((~diff["comparable"]).sum()),
        )
    )
    show_table(qdiff.diff_view(changed, a, b, lang=lang_), key="rnd_versions_table")


# --------------------------------------------------------------------------- page


def render(access: RoundsAccess, *, today: _dt.date | None = None) -> None:
    """The page body under the title: new round, round picker, and the five sections."""
    today = today or _dt.date.today()
    lang_ = context.lang()
    if not access.can("view"):
        st.error(t("no_access"), icon=":material/block:")
        return
    storage = ui.get_storage()
    made = render_create(storage, access, lang_, today) if access.can("create") else None
    show_archived = st.checkbox(t("show_archived"), key="rnd_show_archived")
    rounds = [r for r in storage.list_rounds() if access.sees(r) and (show_archived or not r.archived)]
    if not rounds:
        st.info(t("no_rounds"), icon=":material/info:")
        return
    by_id = {r.id: r for r in rounds}
    if made is not None and made.id in by_id:
        st.session_state["rnd_pick"] = made.id
    elif st.session_state.get("rnd_pick") not in by_id:
        st.session_state.pop("rnd_pick", None)
    rid = st.selectbox(t("pick"), list(by_id), key="rnd_pick", format_func=lambda r: _round_label(by_id[r], today))
    info = by_id[rid]
    st.caption(t("round_id", id=info.id))
    tabs = st.tabs([t("tab_settings"), t("tab_letters"), t("tab_monitor"), t("tab_preview"), t("tab_versions")])
    with tabs[0]:
        render_settings(storage, info, access, lang_, today)
    with tabs[1]:
        render_letters(storage, info, access, lang_, today)
    with tabs[2]:
        if access.can("monitor", info):
            render_monitor(storage, info, access, lang_, today)
    with tabs[3]:
        render_preview(info, lang_)
    with tabs[4]:
        render_versions(info, lang_)


def page(access: RoundsAccess, *, today: _dt.date | None = None) -> None:
    """The whole page: layout, sidebar language toggle, title, intro and :func:`render`."""
    st.set_page_config(page_title=t("title"), layout="wide")
    ui.inject_css()
    st.html(context.DASH_CSS)
    with st.sidebar:
        context.language_toggle()
    st.title(t("title"))
    st.write(t("intro"))
    render(access, today=today)
