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
* every user-facing text, Dutch (B1) and English (:data:`TEXTS`, :func:`t`).

Nothing here records names, IP addresses, user agents or times.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from analysis import answers as rules
from analysis import contract
from analysis.questionnaire import Item, Questionnaire, Step
from survey_app.storage.codes import normalize_code

LANGUAGES = ("nl", "en")
STAGES = ("welcome", "questions", "review", "done")

# --------------------------------------------------------------------------- texts

#: Every user-facing text of the respondent flow.  ``nl`` is Dutch at B1 level
#: (addressing the reader with "u"); ``nl_jeugdige`` is the youth version ("je")
#: where it differs; ``en`` is English.  Placeholders use ``str.format``.
TEXTS: dict[str, dict[str, str]] = {
    "page_title": {"nl": "Vragenlijst", "en": "Questionnaire"},
    "lang_switch": {"nl": "English", "en": "Nederlands"},
    "lang_switch_help": {"nl": "Switch to English", "en": "Naar Nederlands"},
    "welcome_title": {
        "nl": "Wat vindt u van uw jeugdzorgwerker?",
        "en": "What do you think of your youth protection worker?",
    },
    "welcome_intro": {
        "nl": "Wij willen graag weten hoe het contact met uw jeugdzorgwerker gaat. "
        "Met uw antwoorden kan het werk beter worden. "
        "Het invullen duurt ongeveer 5 minuten.",
        "en": "We would like to know how the contact with your youth protection worker is going. "
        "Your answers help to improve the work. "
        "It takes about 5 minutes.",
    },
    "welcome_anon_title": {"nl": "Uw antwoorden zijn anoniem", "en": "Your answers are anonymous"},
    "welcome_anon": {
        "nl": "- U geeft **geen naam**.\n"
        "- Wij bewaren **geen IP-adres** en niet het tijdstip. Alleen de week waarin u de lijst invult.\n"
        "- Heeft u een code gekregen? Die code zorgt er alleen voor dat iedereen de lijst één keer invult. "
        "De code wordt **niet gekoppeld** aan uw antwoorden.\n"
        "- Wij laten antwoorden alleen zien **in groepen van minstens 10 mensen**. "
        "Niemand kan zien wat u heeft ingevuld. Ook uw jeugdzorgwerker niet.\n"
        "- Meedoen is vrijwillig. U mag vragen overslaan, behalve de vragen met een sterretje (*).\n"
        "- Schrijf **geen namen** in de open vragen.",
        "en": "- You do **not give your name**.\n"
        "- We do **not keep your IP address** or the time. Only the week in which you fill in the list.\n"
        "- Did you get a code? The code only makes sure everyone fills in the list once. "
        "The code is **not linked** to your answers.\n"
        "- We only show answers **in groups of at least 10 people**. "
        "Nobody can see what you filled in. Not even your worker.\n"
        "- Taking part is voluntary. You may skip questions, except the ones with an asterisk (*).\n"
        "- Please do **not write names** in the open questions.",
    },
    "who_label": {"nl": "Wie vult de vragenlijst in?", "en": "Who is filling in the questionnaire?"},
    "who_ouder": {"nl": "Ik ben ouder of verzorger", "en": "I am a parent or carer"},
    "who_jeugdige": {"nl": "Ik ben de jongere", "en": "I am the young person"},
    "gi_label": {
        "nl": "Bij welke organisatie is uw jeugdzorgwerker?",
        "en": "Which organisation does your worker belong to?",
    },
    "code_label": {"nl": "Uw code", "en": "Your code"},
    "code_help": {
        "nl": "De code staat in de brief, de e-mail of het sms-bericht met de uitnodiging.",
        "en": "The code is in the letter, e-mail or text message with the invitation.",
    },
    "start_button": {"nl": "Begin met de vragen", "en": "Start the questions"},
    "choose_who": {"nl": "Kies eerst wie de lijst invult.", "en": "Please choose who fills in the list first."},
    "choose_gi": {"nl": "Kies eerst de organisatie.", "en": "Please choose the organisation first."},
    "code_missing": {
        "nl": "Vul eerst uw code in.",
        "en": "Please enter your code first.",
        "nl_jeugdige": "Vul eerst je code in.",
    },
    "code_invalid": {
        "nl": "Deze code klopt niet. Kijk of u de code goed heeft overgenomen.",
        "en": "This code is not correct. Please check that you copied it correctly.",
    },
    "code_used": {
        "nl": "Deze code is al gebruikt. Met een code kan de vragenlijst maar één keer worden ingevuld.",
        "en": "This code has already been used. A code can be used to fill in the questionnaire only once.",
    },
    "too_many_attempts": {
        "nl": "Te veel pogingen, wacht even. Probeer het daarna opnieuw.",
        "en": "Too many attempts, please wait a moment. Then try again.",
    },
    "no_round": {
        "nl": "Er staat geen vragenlijst in deze link. Gebruik de link uit de uitnodiging.",
        "en": "This link does not contain a questionnaire. Please use the link from the invitation.",
    },
    "round_unknown": {
        "nl": "Deze vragenlijst bestaat niet. Kijk of de link goed is, of vraag om een nieuwe link.",
        "en": "This questionnaire does not exist. Check the link, or ask for a new link.",
    },
    "round_not_yet_open": {
        "nl": "Deze vragenlijst is nog niet open.",
        "en": "This questionnaire is not open yet.",
    },
    "round_opens_on": {"nl": "U kunt hem invullen vanaf {date}.", "en": "You can fill it in from {date}."},
    "round_closed": {
        "nl": "Deze vragenlijst is gesloten. U kunt hem niet meer invullen. Bedankt voor uw interesse.",
        "en": "This questionnaire is closed. It can no longer be filled in. Thank you for your interest.",
    },
    "unavailable": {
        "nl": "De vragenlijst is nu even niet beschikbaar. Probeer het later opnieuw.",
        "en": "The questionnaire is not available right now. Please try again later.",
    },
    "gi_invalid": {
        "nl": "Deze link is niet helemaal goed: de organisatie hoort niet bij deze vragenlijst. "
        "Vraag om een nieuwe link.",
        "en": "This link is not quite right: the organisation does not belong to this questionnaire. "
        "Please ask for a new link.",
    },
    "nothing_stored": {"nl": "Er is niets opgeslagen.", "en": "Nothing has been stored."},
    "step_of": {"nl": "Stap {i} van {n}", "en": "Step {i} of {n}"},
    "required_note": {
        "nl": "Vragen met een * moet u invullen.",
        "en": "Questions with a * are required.",
        "nl_jeugdige": "Vragen met een * moet je invullen.",
    },
    "required_missing": {
        "nl": "Wilt u deze vraag nog invullen?",
        "en": "Please answer this question.",
        "nl_jeugdige": "Wil je deze vraag nog invullen?",
    },
    "invalid_answer": {"nl": "Dit antwoord kan niet.", "en": "This answer is not possible."},
    "text_too_long": {
        "nl": "Deze tekst is te lang (hoogstens {n} tekens).",
        "en": "This text is too long (at most {n} characters).",
    },
    "next": {"nl": "Volgende", "en": "Next"},
    "previous": {"nl": "Vorige", "en": "Back"},
    "to_review": {"nl": "Naar het overzicht", "en": "To the overview"},
    "review_title": {
        "nl": "Kloppen uw antwoorden?",
        "en": "Are your answers correct?",
        "nl_jeugdige": "Kloppen je antwoorden?",
    },
    "review_intro": {
        "nl": "Hieronder staan uw antwoorden. Wilt u iets veranderen? Kies dan 'Wijzigen'. "
        "Klopt alles? Kies dan 'Versturen'.",
        "en": "Below are your answers. Want to change something? Choose 'Change'. "
        "Is everything correct? Choose 'Send'.",
        "nl_jeugdige": "Hieronder staan je antwoorden. Wil je iets veranderen? Kies dan 'Wijzigen'. "
        "Klopt alles? Kies dan 'Versturen'.",
    },
    "not_answered": {"nl": "(niet ingevuld)", "en": "(not answered)"},
    "edit": {"nl": "Wijzigen", "en": "Change"},
    "submit": {"nl": "Versturen", "en": "Send"},
    "save_failed": {
        "nl": "Het versturen is niet gelukt. Uw antwoorden zijn nog niet opgeslagen. "
        "Probeer het over een paar minuten opnieuw.",
        "en": "Sending did not work. Your answers have not been stored yet. Please try again in a few minutes.",
        "nl_jeugdige": "Het versturen is niet gelukt. Je antwoorden zijn nog niet opgeslagen. "
        "Probeer het over een paar minuten opnieuw.",
    },
    "thanks_title": {"nl": "Bedankt!", "en": "Thank you!"},
    "thanks_body": {
        "nl": "Uw antwoorden zijn verstuurd en opgeslagen. U kunt dit venster nu sluiten.",
        "en": "Your answers have been sent and stored. You can close this window now.",
        "nl_jeugdige": "Je antwoorden zijn verstuurd en opgeslagen. Je kunt dit venster nu sluiten.",
    },
    "another_person": {"nl": "Nog iemand wil de lijst invullen", "en": "Someone else wants to fill in the list"},
    "start_title": {
        "nl": "Vragenlijst over de jeugdzorgwerker",
        "en": "Questionnaire about the youth protection worker",
    },
    "start_body": {
        "nl": "Wilt u de vragenlijst invullen? Gebruik de link uit uw uitnodiging. Die ziet er zo uit: `{example}`",
        "en": "Do you want to fill in the questionnaire? Use the link from your invitation. "
        "It looks like this: `{example}`",
    },
}

_NL_MONTHS = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)
_EN_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def t(key: str, lang: str = "nl", respondent_type: str | None = None, **fmt: Any) -> str:
    """The text ``key`` in ``lang``; the youth variant when it exists and applies.

    >>> t("next", "en")
    'Next'
    """
    entry = TEXTS[key]
    text = None
    if lang == "nl" and respondent_type == "jeugdige":
        text = entry.get("nl_jeugdige")
    if text is None:
        text = entry["en"] if lang == "en" else entry["nl"]
    return text.format(**fmt) if fmt else text


def format_date(d: date, lang: str = "nl") -> str:
    """A calendar date in words (``1 maart 2026`` / ``1 March 2026``)."""
    months = _EN_MONTHS if lang == "en" else _NL_MONTHS
    return f"{d.day} {months[d.month - 1]} {d.year}"


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
    lang = (_first(params.get("taal")) or "nl").lower()
    gi = _first(params.get("gi"))
    return Link(
        round_id=_first(params.get("ronde")),
        code=normalize_code(_first(params.get("code"))),
        gi=gi.upper() if gi else None,
        lang=lang if lang in LANGUAGES else "nl",
    )


# --------------------------------------------------------------------------- the welcome page


@dataclass(frozen=True)
class Setup:
    """What the welcome page shows and asks for one round and link.

    ``respondent_types``/``gis`` are the choices; when there is exactly one,
    ``fixed_type``/``fixed_gi`` holds it and no question is asked.
    ``error`` is a :data:`TEXTS` key when the link cannot be used.
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
    """The :data:`TEXTS` key for a round status that blocks the flow, or ``None`` when open."""
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
    notice: str | None = None  # a TEXTS key shown once on the next run (e.g. "code_used")


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


def restart(state: FlowState) -> None:
    """Someone else fills in the list on the same device: a new, empty flow.

    A code from the link has been used, so the welcome page asks for a new one.
    """
    state.stage, state.step_id = "welcome", None
    state.answers = {}
    state.respondent_type = None
    state.code = None
    state.ignore_link_code = True
    state.submission_token = uuid.uuid4().hex


def progress(state: FlowState, q: Questionnaire) -> tuple[int, int]:
    """(position, total) for the progress bar: visible steps plus the review."""
    steps = visible_steps(q, state.answers)
    total = len(steps) + 1
    if state.stage == "review":
        return total, total
    step = current_step(state, q)
    if step is None:
        return 0, total
    return [s.id for s in steps].index(step.id) + 1, total


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
    """One answer that cannot be stored; ``message`` is a :data:`TEXTS` key."""

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
