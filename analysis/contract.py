"""Data contract v1: the columns, codes and figure ids every part of the tool shares.

Source of truth: ``shared/data-contract.md`` (section 1: response file, section 2:
statistics, section 3: report JSON).  Do not rename or recode anything here; a
breaking change needs a contract v2 with a converter.
"""

from __future__ import annotations

import numbers
import re

CONTRACT_VERSION = 1
#: The minor version of the contract text this module follows (1.1: institution
#: codes may hold ``_`` and ``-`` and be up to 20 characters; disclosure control
#: holds across views).  The report JSON keeps ``"contract": 1``.
CONTRACT_MINOR_VERSION = 1
DEFAULT_MIN_CELL = 10
#: The lowest ``min_cell`` anything may use (contract section 2: "default 10,
#: never lower").  Every statistic checks it through :func:`check_min_cell`; the
#: command line and the dashboard take their lowest allowed value from here.
MIN_CELL_FLOOR = 10
#: groups with at least ``min_cell`` but fewer than this many respondents are
#: flagged "indicatief" (shown, but to be read with care).
INDICATIVE_BELOW = 30
DEMO_ROUND_ID = "demo-synthetisch-2025"
GI_CODES = ("JBG", "JBN", "JBRA", "JBW", "WSS")
GI_NAMES = {
    "JBG": "Jeugdbescherming Gelderland",
    "JBN": "Jeugdbescherming Noord",
    "JBRA": "Jeugdbescherming Regio Amsterdam",
    "JBW": "Jeugdbescherming West",
    "WSS": "William Schrikker Stichting Jeugdbescherming & Jeugdreclassering",
}
RESPONDENT_TYPES = ("ouder", "jeugdige")

#: Institution codes (contract 1.1): 1 to 20 letters, digits, ``_`` or ``-``,
#: starting with a letter or digit (``JBRA``, ``GI_A``, ``jb-west``).
GI_MAX_LENGTH = 20
GI_PATTERN = rf"[A-Za-z0-9][A-Za-z0-9_-]{{0,{GI_MAX_LENGTH - 1}}}"
GI_RE = re.compile(GI_PATTERN)
#: How :data:`GI_RE` reads to a person: the catalog text ``validation.gi_rule``
#: (:func:`analysis.validation.gi_rule`).

#: Columns that identify the response; never empty.
ID_COLUMNS = ("response_id", "round_id", "gi", "respondent_type", "submitted_week")

#: Coded answer columns with their codes in the contract's (display) order.
CODES: dict[str, tuple[str, ...]] = {
    "respondent_type": RESPONDENT_TYPES,
    "measure_type": ("jeugdreclassering", "ots", "voogdij", "weet_niet"),
    "had_gap": ("ja", "nee", "weet_niet"),
    "contact_one_on_one": ("meer_dan_1", "1_keer", "nooit", "weet_niet"),
    "explained_at_start": ("ja", "een_beetje", "nee", "weet_niet"),
    "opinion_asked": ("altijd", "vaak", "soms", "nee"),
    "involved_in_decisions": ("altijd", "soms", "nee"),
    "asked_life_domains": ("ja", "een_beetje", "nee"),
    "asked_safety": ("ja", "een_beetje", "nee"),
    "say_in_plan": ("ja", "nee", "geen_plan_bekend"),
    "help_improves": ("ja", "niet_helemaal", "nee"),
    "quality_time_attention": ("ja", "een_beetje", "nee"),
    "quality_understanding": ("ja", "een_beetje", "nee"),
    "quality_respectful": ("ja", "een_beetje", "nee"),
    "quality_expert": ("ja", "een_beetje", "nee"),
    "quality_clear": ("ja", "een_beetje", "nee"),
    "quality_reachable": ("ja", "een_beetje", "nee"),
}

#: Integer columns with their inclusive range.
INT_RANGES: dict[str, tuple[int, int]] = {
    "n_workers": (0, 6),  # 6 means "meer dan 5"
    "grade": (1, 10),
}

QUALITY_ITEMS = (
    "quality_time_attention",
    "quality_understanding",
    "quality_respectful",
    "quality_expert",
    "quality_clear",
    "quality_reachable",
)
COMMENT_COLUMNS = ("comment_grade", "comment_improve")

#: All contract columns in file order.
COLUMNS: tuple[str, ...] = (
    "response_id",
    "round_id",
    "gi",
    "respondent_type",
    "submitted_week",
    "measure_type",
    "n_workers",
    "had_gap",
    "contact_one_on_one",
    "explained_at_start",
    "opinion_asked",
    "involved_in_decisions",
    "asked_life_domains",
    "asked_safety",
    "say_in_plan",
    "help_improves",
    *QUALITY_ITEMS,
    "grade",
    *COMMENT_COLUMNS,
)
REQUIRED_COLUMNS = tuple(c for c in COLUMNS if c not in COMMENT_COLUMNS)
#: The questionnaire items (everything a respondent answers).
ITEM_COLUMNS = COLUMNS[COLUMNS.index("measure_type") :]

#: Optional column of contract 1.1 (issue 12): the version of the questionnaire a respondent
#: answered.  ``standaard`` is the standard version, ``makkelijk`` the easy-read version (one
#: question per screen, very short sentences, pictures).  Both versions have the same items
#: and answer codes, so their answers are analysed together; the column is not one of
#: :data:`COLUMNS` (a file without it is complete; an empty cell means ``standaard``).
VARIANT_COLUMN = "questionnaire_variant"
QUESTIONNAIRE_VARIANTS = ("standaard", "makkelijk")
DEFAULT_VARIANT = "standaard"
#: Optional columns of contract 1.1 and their codes.
OPTIONAL_COLUMNS: dict[str, tuple[str, ...]] = {VARIANT_COLUMN: QUESTIONNAIRE_VARIANTS}

#: n_workers code -> group label used in the grade_by_workers figure.
WORKER_GROUPS = {0: "0", 1: "1", 2: "2", 3: "3", 4: "4", 5: "5", 6: "meer_dan_5"}

#: Simple distribution figures: figure id == column.
DISTRIBUTION_FIGURES = (
    "measure_type",
    "explained_at_start",
    "opinion_asked",
    "involved_in_decisions",
    "asked_life_domains",
    "asked_safety",
    "help_improves",
    "had_gap",
    "n_workers",
    "say_in_plan",
)
FIGURE_IDS = (
    "measure_type",
    "explained_at_start",
    "opinion_asked",
    "involved_in_decisions",
    "asked_life_domains",
    "asked_safety",
    "grade_by_workers",
    "help_improves",
    "worker_qualities_by_gap",
    "had_gap",
    "n_workers",
    "contact_one_on_one",
    "say_in_plan",
)
#: Filters of the report, in contract order (JSON ``filters`` object) plus the
#: optional measure_type filter this tool adds.
FILTER_COLUMNS = ("gi", "respondent_type", "round_id", "measure_type")

#: The label of "all other institutions together" (``analysis.compare``, and the
#: relabelled other institutions a ``gi`` user sees on the Vergelijken page).
REST = "rest"


def is_gi_code(value: object) -> bool:
    """True when ``value`` is a valid institution code (contract 1.1, :data:`GI_RE`).

    >>> [is_gi_code(v) for v in ("JBRA", "GI_A", "jb-west", "-JB", "JB RA", "A" * 21)]
    [True, True, True, False, False, False]
    """
    return isinstance(value, str) and GI_RE.fullmatch(value) is not None


class _Unprotected(int):
    """The ``min_cell`` of :data:`UNPROTECTED` (an int 0 that :func:`check_min_cell` lets through)."""


#: ``min_cell`` for :mod:`analysis.protection` only: compute every cell, hide nothing.  The
#: protected table of the data set then decides what is shown (issue 9); nothing else may pass it.
UNPROTECTED = _Unprotected(0)


def check_min_cell(min_cell: object) -> int:
    """``min_cell`` as an int when it is a whole number of at least :data:`MIN_CELL_FLOOR`.

    The one check every statistic, view and report runs on its ``min_cell``
    (contract section 2: suppression below 10, never lower).  Raises
    :class:`ValueError` naming the floor otherwise.

    >>> check_min_cell(25)
    25
    >>> check_min_cell(5)
    Traceback (most recent call last):
    ...
    ValueError: min_cell must be a whole number >= 10 (the contract never shows smaller groups), got 5
    """
    if type(min_cell) is _Unprotected:
        return min_cell  # stays UNPROTECTED through nested statistics
    floor = MIN_CELL_FLOOR
    if isinstance(min_cell, bool) or not isinstance(min_cell, numbers.Integral) or min_cell < floor:
        raise ValueError(
            f"min_cell must be a whole number >= {floor} (the contract never shows smaller groups), got {min_cell!r}"
        )
    return int(min_cell)
