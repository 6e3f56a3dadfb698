"""Data contract v1: the columns, codes and figure ids every part of the tool shares.

Source of truth: ``shared/data-contract.md`` (section 1: response file, section 2:
statistics, section 3: report JSON).  Do not rename or recode anything here; a
breaking change needs a contract v2 with a converter.
"""

from __future__ import annotations

CONTRACT_VERSION = 1
DEFAULT_MIN_CELL = 10
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
