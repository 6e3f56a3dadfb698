"""House rule 1: `analysis` is pure (no streamlit, no sqlalchemy) and never imports survey_app."""

import ast
import subprocess
import sys
from pathlib import Path

ANALYSIS = Path(__file__).resolve().parents[1] / "analysis"
FORBIDDEN = ("streamlit", "sqlalchemy", "alembic", "survey_app")


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_analysis_sources_import_no_forbidden_module():
    offenders = {}
    for path in sorted(ANALYSIS.rglob("*.py")):
        bad = _imported_modules(path) & set(FORBIDDEN)
        if bad:
            offenders[str(path.relative_to(ANALYSIS.parent))] = sorted(bad)
    assert offenders == {}


def test_analysis_import_loads_no_forbidden_module_at_runtime():
    # A fresh interpreter imports every analysis module and reports what got loaded.
    code = (
        "import importlib, pkgutil, sys, analysis\n"
        "for m in pkgutil.iter_modules(analysis.__path__):\n"
        "    importlib.import_module('analysis.' + m.name)\n"
        f"print(sorted(n for n in sys.modules if n.split('.')[0] in {FORBIDDEN!r}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_analysis_deidentifier_loads_no_forbidden_module():
    # deduce is imported on first use (analysis.scrub.deidentifier): it must not bring them in either.
    code = (
        "import sys\n"
        "from analysis import scrub\n"
        "assert scrub.scrub_text('Mijn werker heet Jan') == 'Mijn werker heet [PERSOON-1]'\n"
        f"print(sorted(n for n in sys.modules if n.split('.')[0] in {FORBIDDEN!r}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
