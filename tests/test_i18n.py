"""analysis.i18n: one catalog per language, complete, consistent and fully used."""

from __future__ import annotations

import ast
import re
import unicodedata
from pathlib import Path

import pytest
import yaml

from analysis import i18n

ROOT = Path(__file__).resolve().parents[1]
#: The source that reads the catalog (the catalog module itself only declares prefixes).
SOURCE_DIRS = ("analysis", "survey_app")
SKIP_SOURCES = {ROOT / "analysis" / "i18n.py"}
#: Where the helpers that take a short key (analysis.i18n.SHORT_KEY_NAMESPACES) are called.
SHORT_KEY_SOURCES = {
    "respond": ("survey_app/respond/", "survey_app/web/screens/"),
    "dashboard": ("survey_app/dashboard/", "survey_app/web/screens/"),
    "letters": ("analysis/letters.py",),
    "monitor": ("analysis/monitor.py", "survey_app/dashboard/rounds.py"),
    "questionnaire_diff": ("analysis/questionnaire_diff.py",),
    "rounds": ("survey_app/dashboard/rounds.py",),
    "auth": (
        "survey_app/auth/",
        "survey_app/dashboard/audit_page.py",
        "survey_app/dashboard/import_export.py",
        "survey_app/web/screens/",
    ),
    # the rule / message key of a validation or import record (analysis.messages)
    "validation": ("analysis/", "survey_app/storage/"),
}


def _base(key: str) -> str:
    return key.split("@", 1)[0]


def _catalogs() -> dict[str, dict]:
    return {lang: i18n.catalog(lang) for lang in i18n.languages()}


def _docstrings(tree: ast.AST) -> set[int]:
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                out.add(id(body[0].value))
    return out


def _source_literals() -> dict[str, set[str]]:
    """Every string literal of the application source (f-string parts too, docstrings left out).

    Keyed ``""`` for all literals and by namespace for those in the files that
    call that namespace's short-key helper.
    """
    out: dict[str, set[str]] = {"": set(), **{ns: set() for ns in SHORT_KEY_SOURCES}}
    for folder in SOURCE_DIRS:
        for path in sorted((ROOT / folder).rglob("*.py")):
            if path in SKIP_SOURCES:
                continue
            rel = path.relative_to(ROOT).as_posix()
            tree = ast.parse(path.read_text(encoding="utf-8"))
            docs = _docstrings(tree)
            found = {
                node.value
                for node in ast.walk(tree)
                if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs
            }
            out[""] |= found
            for ns, places in SHORT_KEY_SOURCES.items():
                if rel.startswith(places):
                    out[ns] |= found
    return out


def _used(key: str, literals: dict[str, set[str]]) -> bool:
    key = _base(key)
    if key in literals[""] or key.startswith(i18n.DYNAMIC_PREFIXES):
        return True
    ns, _, short = key.partition(".")
    return ns in i18n.SHORT_KEY_NAMESPACES and short in literals[ns]


def test_i18n_short_key_namespaces_are_known_to_this_test():
    assert set(SHORT_KEY_SOURCES) == set(i18n.SHORT_KEY_NAMESPACES)


# --------------------------------------------------------------------------- the catalogs


def test_i18n_languages_are_the_catalog_files_dutch_first():
    files = sorted(p.stem for p in i18n.LOCALES_DIR.glob("*.yaml"))
    assert set(i18n.languages()) == set(files) >= {"nl", "en"}
    assert i18n.languages()[0] == "nl"


def test_i18n_every_key_is_in_every_language():
    cats = _catalogs()
    keys = {lang: {k for k in cat if "@" not in k} for lang, cat in cats.items()}
    every = set().union(*keys.values())
    for lang, ks in keys.items():
        assert sorted(every - ks) == [], f"missing in {lang}.yaml"
    for lang, cat in cats.items():  # a variant (key@variant) refines a key that exists
        assert [k for k in cat if "@" in k and _base(k) not in cat] == [], lang


def test_i18n_every_text_is_filled_in():
    for lang, cat in _catalogs().items():
        for key, value in cat.items():
            forms = value.values() if isinstance(value, dict) else [value]
            assert all(str(f).strip() for f in forms), (lang, key)


def test_i18n_placeholders_are_the_same_in_every_language():
    cats = _catalogs()
    first = cats[i18n.DEFAULT_LANGUAGE]
    for key in first:
        if "@" in key:
            continue
        expected = i18n.placeholders(first[key])
        for lang, cat in cats.items():
            assert i18n.placeholders(cat[key]) == expected, (lang, key)
            plural = isinstance(cat[key], dict)
            assert plural == isinstance(first[key], dict), f"{key}: plural in one language only ({lang})"
    for lang, cat in cats.items():
        for key, value in cat.items():
            if "@" in key:
                assert i18n.placeholders(value) == i18n.placeholders(cat[_base(key)]), (lang, key)


def test_i18n_placeholders_do_not_clash_with_text_arguments():
    for cat in _catalogs().values():
        for key, value in cat.items():
            assert not i18n.placeholders(value) & {"lang", "variant"}, key
            if isinstance(value, dict):
                assert "other" in value, key


def test_i18n_every_key_is_used():
    literals = _source_literals()
    unused = sorted(k for k in i18n.catalog(i18n.DEFAULT_LANGUAGE) if not _used(k, literals))
    assert unused == [], "keys nobody uses (remove them, or declare a dynamic prefix in analysis.i18n)"


def test_i18n_dynamic_prefixes_are_built_in_the_source_and_hold_keys():
    literals = _source_literals()
    keys = i18n.catalog(i18n.DEFAULT_LANGUAGE)
    for prefix in i18n.DYNAMIC_PREFIXES:
        assert prefix.endswith("."), prefix
        assert any(k.startswith(prefix) for k in keys), f"{prefix}: no key under it"
        ns, _, short = prefix.partition(".")
        built = prefix in literals[""] or (ns in i18n.SHORT_KEY_NAMESPACES and short in literals[ns])
        assert built, f"{prefix}: no code builds keys from it; drop it from DYNAMIC_PREFIXES"


def _sources():
    for folder in SOURCE_DIRS:
        for path in sorted((ROOT / folder).rglob("*.py")):
            if path not in SKIP_SOURCES:
                yield path.relative_to(ROOT).as_posix(), path.read_text(encoding="utf-8")


def test_i18n_no_inline_language_choice_in_the_source():
    # A text picked by comparing the language ("..." if lang == "nl" else "...") bypasses the
    # catalog.  No exceptions: validation and import records carry rule + parameters too.
    pattern = re.compile(r"""(lang\w*\(?\)?\s*[!=]=\s*["'](nl|en)["'])|(["'](nl|en)["']\s+else)""")
    offenders = []
    for rel, source in _sources():
        for i, line in enumerate(source.splitlines(), start=1):
            if pattern.search(line):
                offenders.append(f"{rel}:{i}: {line.strip()}")
    assert offenders == []


#: Words that mark a sentence as Dutch or as English (whole words, lower case).
_DUTCH = frozenset(
    "de het een is niet geen van bij en of met te tot voor op dit deze wordt kan heeft hebben zijn die dat er "
    "nog zoals kolom bestand rij rijen waarde mag moet staat hoort".split()
)
_ENGLISH = frozenset(
    "the a an is not of in and or to with for on this can has have are that there like "
    "column file row rows value may must".split()
)


def _words(node: ast.AST) -> set[str] | None:
    """The lower-case words of a string literal or f-string (None for anything else)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        text = node.value
    elif isinstance(node, ast.JoinedStr):
        text = " ".join(v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str))
    else:
        return None
    return set(re.findall(r"[a-z]+", text.lower()))


def _language(words: set[str]) -> str | None:
    nl, en = len(words & (_DUTCH - _ENGLISH)), len(words & (_ENGLISH - _DUTCH))
    if nl >= 2 and nl > en:
        return "nl"
    if en >= 2 and en > nl:
        return "en"
    return None


def _bilingual_pairs(tree: ast.AST) -> list[int]:
    """Lines where two neighbouring literals (tuple, list, call arguments, conditional) are the
    same text in Dutch and in English, and where a name ending in ``_nl``/``_en`` is bound."""
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.Tuple, ast.List)):
            seqs = [node.elts]
        elif isinstance(node, ast.Call):
            seqs = [node.args]
        elif isinstance(node, ast.IfExp):
            seqs = [[node.body, node.orelse]]
        elif isinstance(node, ast.Dict):
            seqs = [node.values]
        else:
            seqs = []
        for seq in seqs:
            langs = [_language(w) if (w := _words(x)) is not None else None for x in seq]
            for a, b, x in zip(langs, langs[1:], seq):
                if {a, b} == {"nl", "en"}:
                    lines.append(x.lineno)
        if isinstance(node, (ast.Name, ast.Attribute, ast.arg, ast.keyword)):
            name = getattr(node, "id", None) or getattr(node, "attr", None) or getattr(node, "arg", None) or ""
            if re.search(r"(message|reason|hint)_(nl|en)$", name):
                lines.append(getattr(node, "lineno", 0))
        if isinstance(node, ast.Constant) and node.value in ("message_nl", "reason_nl"):
            lines.append(node.lineno)
    return sorted(set(lines))


def test_i18n_no_bilingual_text_pairs_in_the_source():
    # Every text a person reads comes from the catalog: no ("Dutch", "English") pair of
    # literals, no ``message_nl``-style second field, anywhere but analysis/i18n.py.
    offenders = []
    for rel, source in _sources():
        lines = source.splitlines()
        for n in _bilingual_pairs(ast.parse(source)):
            offenders.append(f"{rel}:{n}: {lines[n - 1].strip() if n else ''}")
    assert offenders == []


def test_i18n_bilingual_pair_scan_finds_a_pair():
    # the scan itself: a pair as the validation code used to write it, and a message_nl field
    found = _bilingual_pairs(
        ast.parse(
            'rec("x", f"Column \'{c}\' is not in the file.", f"De kolom \'{c}\' staat niet in het bestand.")\n'
            "y = 1\n"
            "r.message_nl = m\n"
        )
    )
    assert found == [1, 3]
    assert _bilingual_pairs(ast.parse('text("validation.bad_week", lang, value=v)')) == []


def test_i18n_dutch_reference_titles_are_the_printed_questions():
    from analysis.reference import load_published

    printed = {f: d["question"] for f, d in load_published()["figures"].items()}
    for figure, question in printed.items():
        # the report printed "geinformeerd": the catalog spells it right (issue 12), nothing else differs
        assert _no_accents(i18n.text("reference.figure." + figure, "nl")) == _no_accents(question)
    assert i18n.text("reference.figure.fig5_asked_life_domains", "nl") == "Is er geïnformeerd naar leefgebieden?"


def _no_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def test_i18n_catalogs_are_package_data():
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '"locales/*.yaml"' in text


# --------------------------------------------------------------------------- text()


def test_text_fills_named_placeholders():
    assert i18n.text("respond.step_of", "nl", i=2, n=5) == "Stap 2 van 5"
    assert i18n.text("respond.step_of", "en", i=2, n=5) == "Step 2 of 5"


def test_text_chooses_plural_forms_by_count():
    assert i18n.text("count.respondents", "nl", count=1) == "1 respondent"
    assert i18n.text("count.respondents", "nl", count=2) == "2 respondenten"
    assert i18n.text("count.respondents", "nl", count=0) == "0 respondenten"
    assert i18n.text("count.respondents", "en", count=1) == "1 respondent"
    assert i18n.text("count.respondents", "en", count=1523) == "1523 respondents"
    assert i18n.text("dashboard.n_selected", "nl", count=1) == "1 respondent in deze selectie."
    with pytest.raises(KeyError, match="count"):
        i18n.text("count.respondents", "nl")


def test_text_takes_the_language_by_position_or_name():
    assert i18n.text("respond.next", lang="en") == i18n.text("respond.next", "en") == "Next"


def test_text_uses_a_variant_where_the_language_has_it():
    assert i18n.text("respond.thanks_body", "nl", variant="jeugdige").startswith("Je antwoorden")
    assert i18n.text("respond.thanks_body", "nl", variant="ouder").startswith("Uw antwoorden")
    assert i18n.text("respond.thanks_body", "en", variant="jeugdige").startswith("Your answers")


def test_text_refuses_unknown_keys_languages_and_missing_placeholders():
    with pytest.raises(KeyError, match="no text"):
        i18n.text("no.such.key", "nl")
    with pytest.raises(ValueError, match="lang"):
        i18n.text("respond.next", "de")
    with pytest.raises(KeyError, match="placeholder"):
        i18n.text("respond.step_of", "nl", i=1)


def test_i18n_adding_a_language_is_adding_a_file(tmp_path, monkeypatch):
    present = i18n.languages()
    for lang in ("nl", "en"):
        (tmp_path / f"{lang}.yaml").write_text((i18n.LOCALES_DIR / f"{lang}.yaml").read_text("utf-8"), "utf-8")
    fy = yaml.safe_load((i18n.LOCALES_DIR / "en.yaml").read_text("utf-8"))
    fy["language"]["name"] = "Frysk"
    fy["_plural"] = {"one": [1]}
    fy["count"]["respondents"] = {"one": "{count} respondint", "other": "{count} respondinten"}
    (tmp_path / "fy.yaml").write_text(yaml.safe_dump(fy, allow_unicode=True), "utf-8")
    monkeypatch.setattr(i18n, "LOCALES_DIR", tmp_path)
    i18n.languages.cache_clear()
    i18n._load.cache_clear()
    i18n._raw.cache_clear()
    try:
        assert i18n.languages() == ("nl", "en", "fy")
        assert i18n.text("language.name", "fy") == "Frysk"
        assert i18n.text("count.respondents", "fy", count=1) == "1 respondint"
    finally:
        monkeypatch.undo()
        i18n.languages.cache_clear()
        i18n._load.cache_clear()
        i18n._raw.cache_clear()
    assert i18n.languages() == present


def test_i18n_third_language_is_one_file_marked_not_reviewed():
    # issue 12, item 5: Turkish by translation only, flagged until a native speaker checks it
    assert "tr" in i18n.languages()
    assert not i18n.reviewed("tr") and i18n.reviewed("nl") and i18n.reviewed("en")
    own = yaml.safe_load((i18n.LOCALES_DIR / "tr.yaml").read_text("utf-8"))
    assert "NOT YET REVIEWED BY A NATIVE SPEAKER" in (i18n.LOCALES_DIR / "tr.yaml").read_text("utf-8")
    # the whole respondent flow is translated in the file itself (no English fallback there)
    nl = i18n.catalog("nl")
    for section in ("respond", "a11y", "months", "language", "format", "drafts"):
        wanted = {k for k in nl if k.startswith(section + ".") and "@" not in k}
        have = set()
        stack = [(section, own[section])]
        while stack:
            prefix, node = stack.pop()
            for k, v in node.items():
                key = f"{prefix}.{k}"
                if isinstance(v, dict) and not set(v) <= set(i18n.PLURAL_FORMS):
                    stack.append((key, v))
                else:
                    have.add(key)
        assert sorted(wanted - have) == [], section
    assert i18n.text("respond.next", "tr") == "İleri"
    assert i18n.text("language.tag", "tr") == "tr-TR"
    # a staff text the file leaves out comes from English
    assert i18n.text("dashboard.filters", "tr") == i18n.text("dashboard.filters", "en")


def test_i18n_third_language_has_the_questionnaire_wording():
    from analysis.questionnaire import load_questionnaire

    q = load_questionnaire()
    for item in q.items:
        for rtype in ("ouder", "jeugdige"):
            assert item.question(rtype, "tr") != item.question(rtype, "nl"), (item.id, rtype)
        for code in item.codes:
            if item.label(code, "nl") != str(code):  # the numbers 1 to 5 read the same
                assert item.label(code, "tr") != item.label(code, "nl") or item.id == "n_workers", (item.id, code)
    assert q.item("measure_type").label("ots", "tr") == "Denetim altına alma (OTS)"
    assert q.steps[0].heading("jeugdige", "tr") == "Tedbir hakkında"


def test_i18n_broken_catalog_names_file_and_key(tmp_path, monkeypatch):
    (tmp_path / "nl.yaml").write_text('a:\n  b: "Stap {i.x}"\n', "utf-8")
    monkeypatch.setattr(i18n, "LOCALES_DIR", tmp_path)
    i18n._load.cache_clear()
    i18n._raw.cache_clear()
    try:
        with pytest.raises(i18n.CatalogError, match=r"nl\.yaml: a\.b"):
            i18n.text("a.b", "nl")
    finally:
        monkeypatch.undo()
        i18n._load.cache_clear()
        i18n._raw.cache_clear()
