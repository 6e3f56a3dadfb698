"""The anonymous respondent flow as pure logic (no Streamlit, no database).

The page ``survey_app/web/screens/respond.py`` only renders what this module
decides.  Everything that can be tested without a browser lives here:

* the link (``?ronde=ID&code=XXXX&gi=JBG&taal=en``) -> :class:`Link`;
* what the welcome page must still ask (respondent type, institution, code)
  -> :func:`plan_setup`;
* the flow state (:class:`FlowState`) and its transitions: :func:`begin`,
  :func:`advance`, :func:`back`, :func:`go_to_step`, :func:`complete`,
  :func:`restart`;
* which steps and items are shown (``show_if``), clearing answers of hidden
  items, required checks and answer validation (the one definition of a
  valid answer is :mod:`analysis.answers`; access codes are normalised by
  :func:`survey_app.storage.codes.normalize_code`);
* the answers dict handed to ``Storage.submit_response`` (every questionnaire
  item, ``None`` when not answered);
* slowing down repeated wrong codes (:func:`code_delay`, :class:`AttemptLimiter`);
* every user-facing text through :func:`t`: the ``respond.*`` texts of the
  one catalog per language (:func:`analysis.i18n.text`,
  ``analysis/locales/<lang>.yaml``), Dutch (B1) with the youth wording
  (``@jeugdige``) where it differs, and English.
* open rounds: one questionnaire per browser session (:func:`already_submitted`)
  and a submission rate limit per server process (:class:`SubmissionLimiter`);

Nothing here records names, IP addresses, user agents or times.
"""

from __future__ import annotations

import os
import secrets
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from analysis import answers as rules
from analysis import contract, i18n
from analysis.questionnaire import Item, Questionnaire, Step, load_variant
from analysis.wording import format_date  # noqa: F401  (flow.format_date, used by the respondent page)
from survey_app.storage.codes import normalize_code

LANGUAGES = i18n.languages()
STAGES = ("welcome", "practice", "questions", "review", "done")
#: The versions of the questionnaire (issue 12): ``standaard`` and ``makkelijk`` (easy-read).
VARIANTS = contract.QUESTIONNAIRE_VARIANTS

# --------------------------------------------------------------------------- texts

#: Catalog namespace of the respondent flow's texts; a "text key" below is the part after it.
TEXT_NAMESPACE = "respond."


def t(key: str, lang: str = "nl", respondent_type: str | None = None, **fmt: Any) -> str:
    """The text ``respond.<key>`` in ``lang``; the youth variant when it exists and applies.

    >>> t("next", "en")
    'Next'
    """
    return i18n.text(TEXT_NAMESPACE + key, lang, variant=respondent_type, **fmt)


# --------------------------------------------------------------------------- the link


@dataclass(frozen=True)
class Link:
    """What the respondent's link says: ``?ronde=ID&code=XXXX&gi=JBG&taal=en``."""

    round_id: str | None
    code: str | None = None
    gi: str | None = None
    lang: str = "nl"


def _first(value: Any) -> str | None:
    if isinstance(value, (list, tuple)):
        value = value[0] if value else None
    if value is None:
        return None
    value = str(value).strip()
    return value or None


def parse_link(params: Mapping[str, Any]) -> Link:
    """Read the query parameters of a respondent link.

    ``ronde`` (round id), ``code`` (optional access code, in the canonical form of
    :func:`survey_app.storage.codes.normalize_code`), ``gi`` (optional
    institution code, upper-cased) and ``taal`` (``nl`` default, ``en``).
    Unknown parameters are ignored.
    """
    lang = (_first(params.get("taal")) or i18n.DEFAULT_LANGUAGE).lower()
    gi = _first(params.get("gi"))
    return Link(
        round_id=_first(params.get("ronde")),
        code=normalize_code(_first(params.get("code"))),
        gi=gi.upper() if gi else None,
        lang=lang if lang in LANGUAGES else i18n.DEFAULT_LANGUAGE,
    )


# --------------------------------------------------------------------------- the welcome page


@dataclass(frozen=True)
class Setup:
    """What the welcome page shows and asks for one round and link.

    ``respondent_types``/``gis`` are the choices; when there is exactly one,
    ``fixed_type``/``fixed_gi`` holds it and no question is asked.
    ``error`` is a text key (:func:`t`) when the link cannot be used.
    """

    respondent_types: tuple[str, ...]
    gis: tuple[str, ...]
    fixed_type: str | None
    fixed_gi: str | None
    needs_code: bool
    error: str | None = None


def plan_setup(round_info: Any, link: Link) -> Setup:
    """Decide what the welcome page must ask, from the round and the link.

    ``round_info`` is a ``storage.RoundInfo`` (only ``gis``,
    ``respondent_types`` and ``access`` are read).  A ``gi`` in the link that
    the round does not have gives ``error="gi_invalid"``.
    """
    types = (
        tuple(rt for rt in contract.RESPONDENT_TYPES if rt in tuple(round_info.respondent_types))
        or contract.RESPONDENT_TYPES
    )
    gis = tuple(round_info.gis)
    error = None
    if link.gi is not None:
        match = [g for g in gis if g.upper() == link.gi]
        if match:
            gis = (match[0],)
        else:
            error = "gi_invalid"
    return Setup(
        respondent_types=types,
        gis=gis,
        fixed_type=types[0] if len(types) == 1 else None,
        fixed_gi=gis[0] if len(gis) == 1 else None,
        needs_code=round_info.access == "codes",
        error=error,
    )


def round_status_message(status: str) -> str | None:
    """The text key (:func:`t`) for a round status that blocks the flow, or ``None`` when open."""
    return {
        "open": None,
        "not_yet_open": "round_not_yet_open",
        "closed": "round_closed",
    }.get(status, "round_unknown")


# --------------------------------------------------------------------------- flow state


@dataclass
class FlowState:
    """One respondent's progress, kept in the Streamlit session (never stored).

    ``submission_token`` is made once per questionnaire and passed to
    ``submit_response``: a repeated submission with the same token stores
    nothing new.  ``answers`` maps item id -> answer code / number / text.
    """

    round_id: str | None
    lang: str = "nl"
    stage: str = "welcome"
    step_id: str | None = None
    respondent_type: str | None = None
    gi: str | None = None
    code: str | None = None
    answers: dict[str, Any] = field(default_factory=dict)
    submission_token: str = field(default_factory=lambda: uuid.uuid4().hex)
    failures: int = 0
    ignore_link_code: bool = False
    notice: str | None = None  # a text key (t) shown once on the next run (e.g. "code_used")
    # issue 10: the draft kept on the server under this random token (in the link as ?d=...)
    draft_token: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    draft_checked: bool = False  # this session looked for a draft of the link's token already
    resumed: bool = False  # show "we kept your answers" once
    resume_to: tuple[str, str | None] | None = None  # (stage, step) to go to once the code is given again
    variant: str = contract.DEFAULT_VARIANT  # the version being answered (issue 12), stored with the response
    practice_done: bool = False  # the easy-read version's practice question was shown


def new_state(link: Link) -> FlowState:
    """A fresh flow for this link (a new submission token)."""
    return FlowState(round_id=link.round_id, lang=link.lang)


def begin(state: FlowState, q: Questionnaire, *, respondent_type: str, gi: str, code: str | None = None) -> None:
    """Leave the welcome page: remember the choices and show the first step."""
    if respondent_type not in contract.RESPONDENT_TYPES:
        raise ValueError(f"unknown respondent type {respondent_type!r}")
    state.respondent_type, state.gi, state.code = respondent_type, gi, code
    state.stage = "questions"
    steps = visible_steps(q, state.answers)
    state.step_id = steps[0].id if steps else None
    if not steps:
        state.stage = "review"
    if state.resume_to is not None:  # a kept draft of a code round: back where they were
        state.stage, state.step_id = state.resume_to
        state.resume_to = None
    elif q.practice is not None and not state.practice_done:
        state.stage = "practice"  # the easy-read version starts with its practice question


def questionnaire_for(variant: str) -> Questionnaire:
    """The built-in questionnaire of one version (:func:`analysis.questionnaire.load_variant`)."""
    return load_variant(variant)


def has_wording(lang: str, variant: str) -> bool:
    """True when the questionnaire version has its own wording in ``lang`` (Dutch and English
    always; a further language when its catalog file has ``_questionnaire.<variant>``)."""
    return lang in ("nl", "en") or bool(i18n.questionnaire_wording(lang, variant))


def finish_practice(state: FlowState, q: Questionnaire) -> None:
    """After the practice question: the real questions (where the respondent was, or the first)."""
    state.practice_done = True
    state.stage = "questions"
    steps = visible_steps(q, state.answers)
    if state.step_id not in [s.id for s in steps]:
        state.step_id = steps[0].id if steps else None


def switch_variant(state: FlowState, old: Questionnaire, new: Questionnaire) -> None:
    """Switch between the standard and the easy-read version, keeping every answer.

    Both versions have the same items, so the answers stay as they are; on a
    question page the new version opens at the first unanswered question of
    the page that was shown (or its first question).  Switching to the
    easy-read version shows its practice question first, once.
    """
    if new.variant not in VARIANTS:
        raise ValueError(f"unknown questionnaire variant {new.variant!r}")
    state.variant = new.variant
    if state.stage not in ("questions", "practice"):
        return
    step = current_step(state, old) if state.stage == "questions" else None
    items = visible_items(old, state.answers, step.id) if step is not None else ()
    target = next((i for i in items if not is_answered(state.answers.get(i.id))), items[0] if items else None)
    state.step_id = new.item(target.id).step if target is not None else None
    if new.practice is not None and not state.practice_done:
        state.stage = "practice"
    else:
        finish_practice(state, new)


def current_step(state: FlowState, q: Questionnaire) -> Step | None:
    """The step being shown; if it is no longer visible, the next visible one."""
    if state.stage != "questions":
        return None
    steps = visible_steps(q, state.answers)
    ids = [s.id for s in steps]
    if state.step_id in ids:
        return steps[ids.index(state.step_id)]
    order = [s.id for s in q.steps]
    pos = order.index(state.step_id) if state.step_id in order else -1
    for s in steps:
        if order.index(s.id) > pos:
            return s
    return steps[-1] if steps else None


def advance(state: FlowState, q: Questionnaire) -> list[Item]:
    """Go to the next step (or the review) if the current step is complete.

    Returns the shown required items of the current step that still need an
    answer; when that list is not empty the state does not move.
    """
    step = current_step(state, q)
    if step is None:
        return []
    missing = missing_required(q, state.answers, step.id)
    if missing:
        return missing
    steps = visible_steps(q, state.answers)
    ids = [s.id for s in steps]
    i = ids.index(step.id)
    if i + 1 < len(steps):
        state.step_id = steps[i + 1].id
    else:
        state.stage, state.step_id = "review", None
    return []


def back(state: FlowState, q: Questionnaire) -> None:
    """One step back: review -> last step, first step -> welcome."""
    steps = visible_steps(q, state.answers)
    if state.stage == "review":
        if steps:
            state.stage, state.step_id = "questions", steps[-1].id
        else:
            state.stage = "welcome"
        return
    step = current_step(state, q)
    ids = [s.id for s in steps]
    if step is None or ids.index(step.id) == 0:
        state.stage, state.step_id = "welcome", None
    else:
        state.step_id = ids[ids.index(step.id) - 1]


def go_to_step(state: FlowState, q: Questionnaire, step_id: str) -> None:
    """From the review back to one step (the 'Wijzigen' button)."""
    if step_id not in [s.id for s in visible_steps(q, state.answers)]:
        raise ValueError(f"step {step_id!r} is not shown")
    state.stage, state.step_id = "questions", step_id


def ready_to_submit(state: FlowState, q: Questionnaire) -> list[Item]:
    """Shown required items without an answer (empty list: ready to submit)."""
    return missing_required(q, state.answers)


def complete(state: FlowState) -> None:
    """Call only after ``submit_response`` returned: show the thank-you page.

    The answers are dropped from the session at once (a shared phone or
    computer shows nothing afterwards); the token stays so a repeated click
    stores nothing new.
    """
    state.stage, state.step_id = "done", None
    state.answers = {}


def draft_of(state: FlowState) -> dict[str, Any] | None:
    """What to keep on the server for this flow (None: nothing to keep yet, or any more).

    Never the access code: a draft must not tie a code to answers.
    """
    if state.stage not in ("questions", "review") or not state.respondent_type:
        return None
    return {
        "stage": state.stage,
        "step_id": state.step_id,
        "respondent_type": state.respondent_type,
        "gi": state.gi,
        "lang": state.lang,
        "variant": state.variant,
        "answers": dict(state.answers),
    }


def resume(state: FlowState, draft: Mapping[str, Any], *, token: str, needs_code: bool) -> None:
    """Continue a kept draft in a new session (after a restart or reconnect).

    Without the access code (a draft never holds it) a code round first asks
    for the code again; :func:`begin` then returns to the step the draft was at.
    The draft's questionnaire version (``variant``) is taken up again.
    """
    stage = draft.get("stage") if draft.get("stage") in ("questions", "review") else "questions"
    state.draft_token = token
    state.respondent_type = draft.get("respondent_type") or state.respondent_type
    state.gi = draft.get("gi") or state.gi
    if draft.get("lang") in LANGUAGES:
        state.lang = draft["lang"]
    # the version they were answering (issue 12; a draft from before knows none: the standard one)
    state.variant = draft.get("variant") if draft.get("variant") in VARIANTS else contract.DEFAULT_VARIANT
    if state.variant != contract.DEFAULT_VARIANT:
        state.practice_done = True  # they were past the practice question
    state.answers = dict(draft.get("answers") or {})
    state.resumed = True
    if needs_code and state.code is None:
        state.stage, state.step_id = "welcome", None
        state.resume_to = (stage, draft.get("step_id"))
    else:
        state.stage, state.step_id = stage, draft.get("step_id")


def restart(state: FlowState) -> None:
    """Someone else fills in the list on the same device: a new, empty flow.

    A code from the link has been used, so the welcome page asks for a new one.
    """
    state.stage, state.step_id = "welcome", None
    state.answers = {}
    state.respondent_type = None
    state.code = None
    state.practice_done = False
    state.ignore_link_code = True
    state.submission_token = uuid.uuid4().hex
    state.draft_token = secrets.token_urlsafe(24)


def planned_steps(q: Questionnaire) -> tuple[Step, ...]:
    """Every step that has questions, known before the first answer (the step counter's base)."""
    with_items = {i.step for i in q.items}
    return tuple(s for s in q.steps if s.id in with_items)


def progress(state: FlowState, q: Questionnaire) -> tuple[int, int]:
    """(position, total) for the step counter: "Stap 2 van 7".

    The total is fixed from the first step: every step of the questionnaire
    plus the review, whatever the answers (an answer that hides a step never
    changes it, it only lets the position skip that step).  The position is
    the step's place in the questionnaire; the review is the last.
    """
    steps = planned_steps(q)
    total = len(steps) + 1
    if state.stage == "review":
        return total, total
    step = current_step(state, q)
    ids = [s.id for s in steps]
    if step is None or step.id not in ids:
        return 0, total
    return ids.index(step.id) + 1, total


# --------------------------------------------------------------------------- answers


#: False for ``None``, NaN and blank text (:func:`analysis.answers.is_answered`).
is_answered = rules.is_answered


def clean_answers(q: Questionnaire, answers: Mapping[str, Any]) -> dict[str, Any]:
    """Only answered, shown items; answers of hidden items are dropped.

    Items are walked in questionnaire order and visibility is judged on the
    answers kept so far, so an item that depends on a dropped answer is
    dropped too.  Text is trimmed (:func:`analysis.answers.shown_answers`).
    """
    return rules.shown_answers(q, answers)


def visible_steps(q: Questionnaire, answers: Mapping[str, Any]) -> tuple[Step, ...]:
    """Steps with at least one shown item, in questionnaire order."""
    shown = {i.step for i in q.items if i.is_shown(clean_answers(q, answers))}
    return tuple(s for s in q.steps if s.id in shown)


def visible_items(q: Questionnaire, answers: Mapping[str, Any], step_id: str | None = None) -> tuple[Item, ...]:
    """Items shown for these answers (optionally of one step)."""
    kept = clean_answers(q, answers)
    return tuple(i for i in q.items if i.is_shown(kept) and (step_id is None or i.step == step_id))


def missing_required(q: Questionnaire, answers: Mapping[str, Any], step_id: str | None = None) -> list[Item]:
    """Shown required items (of one step, or all) without an answer."""
    kept = clean_answers(q, answers)
    return rules.missing_required(q, kept, visible_items(q, answers, step_id))


@dataclass(frozen=True)
class AnswerError:
    """One answer that cannot be stored; ``message`` is a text key (:func:`t`)."""

    item: str
    value: Any
    message: str


#: analysis.answers rule id -> the TEXTS key the respondent reads
_ERROR_TEXTS = {"text_too_long": "text_too_long", "required_missing": "required_missing"}


def _answer_error(problem: rules.AnswerProblem) -> AnswerError:
    return AnswerError(problem.item, problem.value, _ERROR_TEXTS.get(problem.rule, "invalid_answer"))


def answer_error(item: Item, value: Any) -> AnswerError | None:
    """Check one answered value against the item's rule (:func:`analysis.answers.check_answer`)."""
    _, problem = rules.check_answer(rules.item_rule(item), value)
    return None if problem is None else _answer_error(problem)


def answer_errors(q: Questionnaire, answers: Mapping[str, Any]) -> list[AnswerError]:
    """Every invalid answer among the shown, answered items plus every missing required one
    (:func:`analysis.answers.check_answers`; keys that are not items are left to the caller)."""
    known = {k: v for k, v in answers.items() if k in set(q.item_ids)}
    return [_answer_error(p) for p in rules.check_answers(known, q).problems]


def build_answers(q: Questionnaire, answers: Mapping[str, Any]) -> dict[str, Any]:
    """The ``answers`` dict for ``Storage.submit_response``.

    Every questionnaire item id (the contract item columns) is a key; hidden
    and unanswered items are ``None``.  Raises :class:`ValueError` listing the
    problems when an answer is invalid or a required one is missing.
    """
    known = {k: v for k, v in answers.items() if k in set(q.item_ids)}
    check = rules.check_answers(known, q)
    if not check.ok:
        raise ValueError("; ".join(f"{e.item}: {e.message}" for e in map(_answer_error, check.problems)))
    return check.values


def answer_label(item: Item, value: Any, lang: str = "nl") -> str | None:
    """How an answer is shown on the review page (``None`` = not answered)."""
    if not is_answered(value):
        return None
    if item.type in ("choice", "count"):
        return item.label(value, lang)
    return str(value).strip() if isinstance(value, str) else str(value)


@dataclass(frozen=True)
class ReviewRow:
    step_id: str
    item_id: str
    question: str
    answer: str | None


def review_rows(q: Questionnaire, answers: Mapping[str, Any], respondent_type: str, lang: str) -> list[ReviewRow]:
    """The shown items with their answer labels, in questionnaire order."""
    kept = clean_answers(q, answers)
    return [
        ReviewRow(i.step, i.id, i.question(respondent_type, lang), answer_label(i, kept.get(i.id), lang))
        for i in visible_items(q, answers)
    ]


# --------------------------------------------------------------------------- read aloud


def read_aloud_text(item: Item, respondent_type: str, lang: str) -> str:
    """What the read-aloud button says for one question: the question, its explanation
    and its answers ("Welke maatregel heb jij? ... De antwoorden zijn: Jeugdreclassering,
    Ondertoezichtstelling (OTS), Voogdij, Weet ik niet.").  The browser speaks it with its
    own speech synthesis; nothing is sent anywhere."""
    parts = [item.question(respondent_type, lang)]
    if item.help is not None:
        parts.append(item.help.get(lang))
    if item.type in ("choice", "count"):
        labels = ", ".join(item.label(c, lang) for c in item.codes)
        parts.append(i18n.text("a11y.read_aloud.answers", lang, answers=labels))
    elif item.type == "grade":
        parts.append(i18n.text("a11y.read_aloud.grade", lang, low=item.min, high=item.max))
    return " ".join(p.strip() for p in parts if p and p.strip())


def speech_language(lang: str) -> str:
    """The BCP 47 tag the browser's voice uses: ``nl-NL``, ``en-GB`` (``language.tag``)."""
    return i18n.text("language.tag", lang)


# --------------------------------------------------------------------------- wrong codes

#: Wrong codes in one session before answers are slowed down.
FREE_ATTEMPTS = 3
#: Longest wait (seconds) before a code is checked.
MAX_DELAY = 4.0


def code_delay(failures: int, *, free: int = FREE_ATTEMPTS, cap: float = MAX_DELAY) -> float:
    """Seconds to wait before checking a code after ``failures`` wrong ones.

    No wait for the first ``free`` attempts, then 0.5, 1, 2, 4 ... seconds,
    capped at ``cap``.
    """
    if failures < free:
        return 0.0
    return min(cap, 0.5 * 2 ** (failures - free))


class AttemptLimiter:
    """Counts wrong codes per round in this process, over a sliding window.

    Guessing codes from many fresh sessions is slowed down too: when a round
    had more than ``free`` wrong codes in the last ``window`` seconds, every
    further check of that round waits (growing, capped at ``cap``).  Only
    counts are kept, in memory; nothing is stored.
    """

    def __init__(
        self,
        *,
        window: float = 600.0,
        free: int = 20,
        cap: float = MAX_DELAY,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.window, self.free, self.cap, self._clock = window, free, cap, clock
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, round_id: str) -> deque[float]:
        now = self._clock()
        q = self._failures.setdefault(round_id, deque())
        while q and now - q[0] > self.window:
            q.popleft()
        return q

    def record_failure(self, round_id: str) -> None:
        with self._lock:
            self._recent(round_id).append(self._clock())

    def recent_failures(self, round_id: str) -> int:
        with self._lock:
            return len(self._recent(round_id))

    def delay(self, round_id: str, session_failures: int = 0) -> float:
        """Seconds to wait before the next check: the larger of session and round delay."""
        n = self.recent_failures(round_id)
        round_delay = 0.0 if n < self.free else min(self.cap, 0.25 * (n - self.free + 1))
        return max(code_delay(session_failures, cap=self.cap), round_delay)


# --------------------------------------------------------------------------- open rounds


def already_submitted(submitted_rounds: set[str] | frozenset[str], round_id: str | None, access: str) -> bool:
    """True when this browser session already sent a questionnaire for this open round.

    An open round takes one questionnaire per browser session (the session
    remembers the round ids it submitted, nothing else); a round with codes
    lets the next person on the same device go on with their own code.  A
    new browser session can fill in an open round again: open links suit
    self-evaluation, inspections use access codes.
    """
    return access == "open" and round_id is not None and round_id in submitted_rounds


#: Default submissions per minute for the whole server process (and the burst size).
SUBMISSIONS_PER_MINUTE = 60


def submission_rate_from_env() -> tuple[float, int]:
    """``(per_minute, burst)`` from ``SURVEY_SUBMISSIONS_PER_MINUTE`` and ``SURVEY_SUBMISSION_BURST``.

    The burst defaults to the per-minute number.  Raises :class:`ValueError` for a bad value.
    """

    def number(name: str, default: float) -> float:
        raw = os.environ.get(name, "").strip()
        if not raw:
            return default
        try:
            value = float(raw)
        except ValueError:
            raise ValueError(f"{name} must be a number, not {raw!r}") from None
        if not value > 0:
            raise ValueError(f"{name} must be more than 0")
        return value

    per_minute = number("SURVEY_SUBMISSIONS_PER_MINUTE", SUBMISSIONS_PER_MINUTE)
    burst = number("SURVEY_SUBMISSION_BURST", max(1.0, per_minute))
    return per_minute, max(1, int(burst))


class SubmissionLimiter:
    """A token bucket for submissions in this server process (shared by all sessions).

    ``burst`` submissions may come at once; after that ``per_minute`` per
    minute.  A refused submission keeps its answers in the session (the page
    asks to try again in a minute).  Only a count is kept, in memory.
    """

    def __init__(
        self,
        *,
        per_minute: float = SUBMISSIONS_PER_MINUTE,
        burst: int | None = None,
        clock: Callable[[], float] = time.monotonic,
    ):
        if per_minute <= 0:
            raise ValueError("per_minute must be more than 0")
        self.per_second = per_minute / 60.0
        self.capacity = float(burst if burst is not None else max(1, int(per_minute)))
        self._clock = clock
        self._tokens = self.capacity
        self._last = clock()
        self._lock = threading.Lock()

    def _refill(self) -> None:
        now = self._clock()
        self._tokens = min(self.capacity, self._tokens + (now - self._last) * self.per_second)
        self._last = now

    def try_acquire(self) -> bool:
        """Take one submission slot; False when the server is too busy right now."""
        with self._lock:
            self._refill()
            if self._tokens >= 1.0:
                self._tokens -= 1.0
                return True
            return False

    def wait_seconds(self) -> float:
        """Seconds until the next slot is free (0 when one is free now)."""
        with self._lock:
            self._refill()
            return 0.0 if self._tokens >= 1.0 else (1.0 - self._tokens) / self.per_second
