"""Map an uploaded table onto the contract: its columns onto contract columns, its values onto codes.

A file from another tool rarely uses the contract's column names and codes
("Instelling", "Ouder", "Een beetje").  The import screen shows
:func:`suggest_mapping`'s guess, lets the user correct it, shows
:func:`preview` and :func:`mapping_problems`, and then hands
:func:`apply_mapping`'s result to :func:`analysis.validation.validate_frame`
(via the storage import), which has the last word.

A :class:`ColumnMapping` holds

* ``columns``: contract column -> source column;
* ``constants``: contract column -> one value for every row (for example the
  round chosen on screen, or a ``submitted_week`` the file lacks);
* ``values``: contract column -> {source value -> contract code}; a source
  value mapped to ``""`` becomes empty (not answered); a value without an
  entry is kept as written (validation reports it if it is no code);
* ``generate_ids``: give rows without a ``response_id`` a fresh random UUID4.

Everything here is pure (no I/O).  A mapped table has the same rows in the
same order as the raw one, so the spreadsheet row numbers of the original
file (:attr:`analysis.io.RawTable.rows`) still apply to it;
:func:`analysis.pipeline.map_table` keeps them together.
"""

from __future__ import annotations

import difflib
import random
import re
import unicodedata
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from . import contract
from .answers import answer_rules, suggest_code
from .i18n import languages
from .messages import message
from .questionnaire import load_questionnaire
from .wording import variable_label

#: Contract columns whose values are mapped onto codes (coded and integer columns).
VALUE_COLUMNS: tuple[str, ...] = tuple(c for c in contract.COLUMNS if c in contract.CODES or c in contract.INT_RANGES)

#: Other names (normalized, see :func:`normalize_name`) a column goes by.
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "response_id": ("id", "antwoord_id", "responseid", "uuid", "respons_id", "record_id"),
    "round_id": ("ronde", "meetronde", "round", "ronde_id", "peiling"),
    "gi": ("instelling", "organisatie", "gecertificeerde_instelling", "gi_code", "institution"),
    "respondent_type": (
        "type_respondent",
        "respondent",
        "respondenttype",
        "wie",
        "rol",
        "ouder_of_jeugdige",
        "doelgroep",
    ),
    "submitted_week": ("week", "week_van_invullen", "iso_week", "weeknummer", "invulweek"),
    "measure_type": ("maatregel", "soort_maatregel", "type_maatregel", "measure"),
    "n_workers": (
        "aantal_jeugdzorgwerkers",
        "aantal_jzw",
        "aantal_werkers",
        "jeugdzorgwerkers",
        "number_of_workers",
        "workers",
    ),
    "had_gap": ("periode_zonder_jeugdzorgwerker", "periode_zonder_jzw", "gap", "zonder_jeugdzorgwerker"),
    "contact_one_on_one": ("alleen_gesproken", "jeugdige_alleen_gesproken", "een_op_een", "contact_alleen"),
    "explained_at_start": ("uitleg_start", "uitleg_bij_de_start", "uitgelegd", "uitleg"),
    "opinion_asked": ("mening_gevraagd", "naar_mening_gevraagd", "mening"),
    "involved_in_decisions": ("betrokken_bij_beslissingen", "betrokken", "beslissingen"),
    "asked_life_domains": ("leefgebieden", "gevraagd_naar_leefgebieden"),
    "asked_safety": ("veiligheid", "gevraagd_naar_veiligheid"),
    "say_in_plan": ("inspraak", "inspraak_plan", "plan_van_aanpak", "inspraak_in_plan"),
    "help_improves": ("verbetering", "hulp_verbetering", "hulp_leidt_tot_verbetering"),
    "quality_time_attention": ("tijd_en_aandacht", "voldoende_tijd_en_aandacht", "tijd_aandacht"),
    "quality_understanding": ("begripvol", "begrip"),
    "quality_respectful": ("respectvol", "respect"),
    "quality_expert": ("deskundig", "deskundigheid"),
    "quality_clear": ("duidelijk", "duidelijkheid"),
    "quality_reachable": ("bereikbaar", "bereikbaarheid"),
    "grade": ("cijfer", "rapportcijfer", "score", "rapport_cijfer"),
    "comment_grade": ("toelichting", "toelichting_cijfer", "opmerking_cijfer", "waarom_cijfer"),
    "comment_improve": ("verbeterpunten", "wat_kan_beter", "opmerking", "opmerkingen", "suggesties"),
}

#: Extra value spellings (normalized) per column, beyond the questionnaire labels.
VALUE_ALIASES: dict[str, dict[str, str]] = {
    "respondent_type": {
        "ouder": "ouder",
        "ouders": "ouder",
        "parent": "ouder",
        "verzorger": "ouder",
        "ouder_verzorger": "ouder",
        "jeugdige": "jeugdige",
        "jeugdigen": "jeugdige",
        "jongere": "jeugdige",
        "jongeren": "jeugdige",
        "kind": "jeugdige",
        "youth": "jeugdige",
        "young_person": "jeugdige",
        "jeugd": "jeugdige",
    },
    "measure_type": {"ots": "ots", "ondertoezichtstelling": "ots", "jr": "jeugdreclassering"},
    "n_workers": {
        "nog_geen": "0",
        "geen": "0",
        "meer_dan_5": "6",
        "meer_dan_vijf": "6",
        ">5": "6",
        "more_than_5": "6",
        "6_of_meer": "6",
        "none_yet": "0",
    },
}
#: Values that mean "not answered" (mapped to empty).
EMPTY_VALUES = ("", "na", "n/a", "nan", "none", "null", "-", "geen_antwoord", "niet_ingevuld", "missing", ".")


def normalize_name(text: Any) -> str:
    """Lower case, no accents, runs of other characters -> ``_`` ("Soort maatregel?" -> "soort_maatregel")."""
    s = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode("ascii")
    s = re.sub(r"[^0-9a-z>]+", "_", s.lower()).strip("_")
    return s


@dataclass
class ColumnMapping:
    """How a source table maps onto the contract (see the module docstring)."""

    columns: dict[str, str] = field(default_factory=dict)
    constants: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    generate_ids: bool = False

    def to_dict(self) -> dict:
        """Plain JSON-ready form (to save a mapping and use it again)."""
        return {
            "columns": dict(self.columns),
            "constants": dict(self.constants),
            "values": {k: dict(v) for k, v in self.values.items()},
            "generate_ids": bool(self.generate_ids),
        }

    @classmethod
    def from_dict(cls, d: Mapping) -> ColumnMapping:
        unknown = (set(d.get("columns", {})) | set(d.get("constants", {})) | set(d.get("values", {}))) - set(
            contract.COLUMNS
        )
        if unknown:
            raise ValueError(f"not contract columns: {sorted(unknown)}")
        return cls(
            columns={str(k): str(v) for k, v in d.get("columns", {}).items()},
            constants={str(k): str(v) for k, v in d.get("constants", {}).items()},
            values={str(k): {str(a): str(b) for a, b in v.items()} for k, v in d.get("values", {}).items()},
            generate_ids=bool(d.get("generate_ids", False)),
        )


# --------------------------------------------------------------------------- column suggestions


def _column_names() -> dict[str, str]:
    """normalized name -> contract column (names, aliases and Dutch/English labels)."""
    out: dict[str, str] = {}
    for col in contract.COLUMNS:
        out.setdefault(normalize_name(col), col)
    for col, aliases in COLUMN_ALIASES.items():
        for a in aliases:
            out.setdefault(normalize_name(a), col)
    for col in contract.COLUMNS:
        for lang in languages():
            out.setdefault(normalize_name(variable_label(col, lang)), col)
    return out


def suggest_columns(source_columns: Iterable[Any]) -> dict[str, str | None]:
    """Best guess of the source column for every contract column (None: no guess).

    Exact contract names win, then aliases and labels, then a close spelling
    (``difflib``, ratio >= 0.85).  Each source column is used at most once.
    """
    src = [str(c) for c in source_columns]
    names = _column_names()
    out: dict[str, str | None] = {c: None for c in contract.COLUMNS}
    used: set[str] = set()
    # 1. exact contract names, 2. aliases/labels
    for exact in (True, False):
        for s in src:
            if s in used:
                continue
            key = normalize_name(s)
            col = (key if key in contract.COLUMNS else None) if exact else names.get(key)
            if col is not None and out[col] is None:
                out[col] = s
                used.add(s)
    # 3. close spellings
    keys = list(names)
    for s in src:
        if s in used:
            continue
        close = difflib.get_close_matches(normalize_name(s), keys, n=1, cutoff=0.85)
        if close:
            col = names[close[0]]
            if out[col] is None:
                out[col] = s
                used.add(s)
    return out


# --------------------------------------------------------------------------- value suggestions


def allowed_values(column: str) -> tuple[str, ...]:
    """The values a coded or numeric contract column can be mapped to: its codes, or its
    whole numbers as text (the rules of :func:`analysis.answers.answer_rules`)."""
    rule = answer_rules()[column]
    if rule.kind == "code":
        return rule.codes
    numbers = rule.allowed if rule.allowed is not None else range(rule.lo, rule.hi + 1)
    return tuple(str(i) for i in numbers)


def suggest_value(column: str, value: Any) -> str | None:
    """The contract code a source value probably means, ``""`` for "not answered", None if unknown.

    Uses the codes, the questionnaire's Dutch and English answer labels
    (:func:`analysis.validation.suggest_code`), :data:`VALUE_ALIASES` and, for
    ``n_workers`` / ``grade``, whole numbers written as "7", "7.0" or "7,0".
    """
    if column not in VALUE_COLUMNS:
        raise ValueError(f"{column!r} is not a coded or numeric contract column")
    if value is None or (isinstance(value, float) and value != value) or value is pd.NA:
        return ""
    text = str(value).strip()
    key = normalize_name(text)
    if text.lower() in EMPTY_VALUES or key in EMPTY_VALUES:
        return ""
    allowed = allowed_values(column)
    if text in allowed:
        return text
    alias = VALUE_ALIASES.get(column, {}).get(key)
    if alias is not None:
        return alias
    if column in contract.INT_RANGES:
        m = re.fullmatch(r"\+?(\d+)(?:[.,]0*)?", text)
        if m and str(int(m.group(1))) in allowed:
            return str(int(m.group(1)))
        if column == "n_workers":
            item = load_questionnaire().item("n_workers")
            for o in item.options:
                if key in (normalize_name(o.label.nl), normalize_name(o.label.en)):
                    return str(o.code)
        return None
    return suggest_code(column, text, allowed)


def distinct_values(raw: pd.DataFrame, source_column: str) -> pd.DataFrame:
    """The different values of a source column with their counts (empty cells as ``""``).

    Columns ``value, count``, most frequent first.
    """
    s = raw[source_column].astype("string").str.strip().fillna("")
    counts = s.value_counts(sort=True)
    return pd.DataFrame({"value": counts.index.astype(str), "count": counts.to_numpy(dtype="int64")})


def suggest_values(column: str, values: Iterable[Any]) -> dict[str, str | None]:
    """:func:`suggest_value` for each distinct value (keys as text)."""
    return {str(v): suggest_value(column, v) for v in dict.fromkeys(str(v) for v in values)}


def suggest_mapping(raw: pd.DataFrame, *, round_id: str | None = None) -> ColumnMapping:
    """A first :class:`ColumnMapping` for a raw table (:func:`analysis.io.read_frame_raw`).

    Columns from :func:`suggest_columns`; value maps for every mapped coded
    column, only for values that are not codes already and have a suggestion;
    ``round_id`` (the round chosen on screen) as a constant when given;
    ``generate_ids`` when no response_id column is found.
    """
    cols = {c: s for c, s in suggest_columns(raw.columns).items() if s is not None}
    values: dict[str, dict[str, str]] = {}
    for col, src in cols.items():
        if col not in VALUE_COLUMNS:
            continue
        allowed = set(allowed_values(col))
        vm = {}
        for v in distinct_values(raw, src)["value"]:
            if v in allowed or v == "":
                continue
            sug = suggest_value(col, v)
            if sug is not None:
                vm[v] = sug
        if vm:
            values[col] = vm
    constants = {}
    if round_id is not None:
        constants["round_id"] = str(round_id)
        cols.pop("round_id", None)
    return ColumnMapping(columns=cols, constants=constants, values=values, generate_ids="response_id" not in cols)


# --------------------------------------------------------------------------- applying


def apply_mapping(raw: pd.DataFrame, mapping: ColumnMapping, *, seed: int | None = None) -> pd.DataFrame:
    """The raw table rewritten to contract columns (text), ready for validation.

    * A contract column comes from its source column, else its constant,
      else it is left out (validation then reports ``missing_column`` if it is
      required).
    * Values are stripped text; a value with an entry in ``mapping.values``
      is replaced (``""`` = empty); other values stay as written.
    * With ``generate_ids``, empty ``response_id`` cells get a random UUID4
      (``seed`` makes them reproducible, for tests only).
    * Source columns not mapped are dropped; the rows stay as they are (same
      number, same order), so their spreadsheet row numbers still apply.
    """
    missing = [s for s in mapping.columns.values() if s not in raw.columns]
    if missing:
        raise ValueError(f"source columns not in the table: {missing}")
    unknown = (set(mapping.columns) | set(mapping.constants)) - set(contract.COLUMNS)
    if unknown:
        raise ValueError(f"not contract columns: {sorted(unknown)}")
    n = len(raw)
    out = pd.DataFrame(index=pd.RangeIndex(n))
    for col in contract.COLUMNS:
        if col in mapping.columns:
            s = raw[mapping.columns[col]].reset_index(drop=True).astype("string").str.strip()
        elif col in mapping.constants:
            s = pd.Series([mapping.constants[col]] * n, dtype="string")
        elif col == "response_id" and mapping.generate_ids:
            s = pd.Series([pd.NA] * n, dtype="string")
        else:
            continue
        vm = mapping.values.get(col)
        if vm:
            s = s.map(lambda v, vm=vm: vm.get(v, v) if v is not pd.NA else v).astype("string")
        s = s.mask(s == "", pd.NA)
        out[col] = s
    if mapping.generate_ids:
        rng = random.Random(seed) if seed is not None else None
        ids = out["response_id"]
        fill = [
            str(uuid.UUID(int=rng.getrandbits(128), version=4)) if rng else str(uuid.uuid4())
            for _ in range(int(ids.isna().sum()))
        ]
        ids = ids.copy()
        ids[ids.isna()] = fill
        out["response_id"] = ids.astype("string")
    return out


def preview(raw: pd.DataFrame, mapping: ColumnMapping, *, rows: int = 10) -> pd.DataFrame:
    """The first ``rows`` rows after :func:`apply_mapping` (ids made reproducibly)."""
    return apply_mapping(raw.head(rows), mapping, seed=0)


PROBLEM_COLUMNS = ("column", "value", "count", "problem", "message")


def mapping_problems(raw: pd.DataFrame, mapping: ColumnMapping, lang: str = "en") -> pd.DataFrame:
    """What would still go wrong, before validating: one row per problem.

    Columns :data:`PROBLEM_COLUMNS`; ``problem`` is ``missing_column`` (a
    required column without source or constant), ``used_twice`` (one source
    column for two contract columns) or ``unknown_value`` (a value of a coded
    column that is no code after mapping; ``count`` = rows).  ``message`` is
    in ``lang``, from the catalog (``validation.mapping_<...>``).
    """
    rows: list[dict] = []
    for col in contract.REQUIRED_COLUMNS:
        if col in mapping.columns or col in mapping.constants:
            continue
        if col == "response_id" and mapping.generate_ids:
            continue
        rows.append(
            {
                "column": col,
                "value": None,
                "count": None,
                "problem": "missing_column",
                "message": message("mapping_missing_column", column=col).text(lang),
            }
        )
    seen: dict[str, str] = {}
    for col, src in mapping.columns.items():
        if src in seen:
            rows.append(
                {
                    "column": col,
                    "value": src,
                    "count": None,
                    "problem": "used_twice",
                    "message": message("mapping_used_twice", source=src, other=seen[src]).text(lang),
                }
            )
        else:
            seen[src] = col
    for col in VALUE_COLUMNS:
        if col in mapping.columns:
            vm = mapping.values.get(col, {})
            allowed = set(allowed_values(col))
            for v, count in distinct_values(raw, mapping.columns[col]).itertuples(index=False):
                after = vm.get(v, v)
                if after == "" or after in allowed:
                    continue
                rows.append(
                    {
                        "column": col,
                        "value": v,
                        "count": int(count),
                        "problem": "unknown_value",
                        "message": message(
                            "mapping_unknown_value", value=v, source=mapping.columns[col], column=col
                        ).text(lang),
                    }
                )
        elif col in mapping.constants:
            v = mapping.constants[col]
            if v not in set(allowed_values(col)):
                rows.append(
                    {
                        "column": col,
                        "value": v,
                        "count": None,
                        "problem": "unknown_value",
                        "message": message("mapping_unknown_constant", value=v, column=col).text(lang),
                    }
                )
    out = pd.DataFrame(rows, columns=list(PROBLEM_COLUMNS))
    out["count"] = out["count"].astype("Int64")
    return out


# --------------------------------------------------------------------------- editable tables

MAPPING_TABLE_COLUMNS = ("column", "label", "required", "source", "constant")
VALUE_TABLE_COLUMNS = ("value", "count", "code")


def mapping_table(mapping: ColumnMapping, *, lang: str = "nl") -> pd.DataFrame:
    """A :class:`ColumnMapping` as an editable table: one row per contract column.

    Columns :data:`MAPPING_TABLE_COLUMNS`: ``column`` (contract name),
    ``label`` (short label in ``lang``), ``required`` (bool), ``source``
    (source column or ``""``) and ``constant`` (fixed value or ``""``).
    """
    rows = [
        {
            "column": c,
            "label": variable_label(c, lang),
            "required": c in contract.REQUIRED_COLUMNS,
            "source": mapping.columns.get(c, ""),
            "constant": mapping.constants.get(c, ""),
        }
        for c in contract.COLUMNS
    ]
    return pd.DataFrame(rows, columns=list(MAPPING_TABLE_COLUMNS))


def _cell(v: Any) -> str:
    if v is None or v is pd.NA or (isinstance(v, float) and v != v):
        return ""
    return str(v).strip()


def mapping_from_table(
    table: pd.DataFrame, *, values: Mapping[str, Mapping[str, str]] | None = None, generate_ids: bool = False
) -> ColumnMapping:
    """The :class:`ColumnMapping` of an edited :func:`mapping_table` (a source wins over a constant)."""
    columns, constants = {}, {}
    for rec in table.to_dict("records"):
        col = str(rec["column"])
        if col not in contract.COLUMNS:
            raise ValueError(f"not a contract column: {col!r}")
        src, const = _cell(rec.get("source")), _cell(rec.get("constant"))
        if src:
            columns[col] = src
        elif const:
            constants[col] = const
    vals = {c: dict(v) for c, v in (values or {}).items() if c in columns}
    return ColumnMapping(columns=columns, constants=constants, values=vals, generate_ids=generate_ids)


def value_table(raw: pd.DataFrame, mapping: ColumnMapping, column: str) -> pd.DataFrame:
    """The distinct values of the source of ``column`` with the code each becomes (editable).

    Columns :data:`VALUE_TABLE_COLUMNS`; ``code`` is the mapped code, else
    the value itself when it is a code, else :func:`suggest_value`'s guess,
    else ``None`` (unknown).  Empty cells are left out (they stay empty).
    """
    allowed = set(allowed_values(column))
    vm = mapping.values.get(column, {})
    rows = []
    for v, count in distinct_values(raw, mapping.columns[column]).itertuples(index=False):
        if v == "":
            continue
        if v in vm:
            code = vm[v]
        elif v in allowed:
            code = v
        else:
            code = suggest_value(column, v)
        rows.append((v, int(count), code))
    return pd.DataFrame(
        {
            "value": pd.Series([r[0] for r in rows], dtype=object),
            "count": pd.Series([r[1] for r in rows], dtype="int64"),
            "code": pd.Series([r[2] for r in rows], dtype=object),
        }
    )


def values_from_table(table: pd.DataFrame, column: str) -> dict[str, str]:
    """{value: code} of an edited :func:`value_table`; an empty code means "not answered",
    a missing code (None) leaves the value as written."""
    allowed = set(allowed_values(column)) | {""}
    out = {}
    for rec in table.to_dict("records"):
        code = rec.get("code")
        if code is None or code is pd.NA or (isinstance(code, float) and code != code):
            continue
        code = str(code).strip()
        if code not in allowed:
            raise ValueError(f"{code!r} is not a code of {column!r}")
        if code != rec["value"]:
            out[str(rec["value"])] = code
    return out


def needs_value_mapping(raw: pd.DataFrame, mapping: ColumnMapping) -> list[str]:
    """Mapped coded/numeric columns whose source holds values that are not codes (in contract order)."""
    out = []
    for col in VALUE_COLUMNS:
        if col not in mapping.columns:
            continue
        allowed = set(allowed_values(col)) | {""}
        if any(v not in allowed for v in distinct_values(raw, mapping.columns[col])["value"]):
            out.append(col)
    return out
