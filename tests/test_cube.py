"""The suppression engine's repeated-subtraction check (analysis/cube.py, issue 9 (a)).

``Cube._closure_leaks`` tests only pairs of known sets with the same atoms of
``min_cell`` or more respondents and sizes less than ``min_cell`` apart, on
bit rows; its docstring promises the result of a plain double loop.  The
reference below is that loop, written out with Python sets.
``Cube._span_small_sets`` (the exact search used when the candidate sets
are few, as in large rounds) finds at least what the loop finds, and
exactly what a search of every set finds.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.cube import Cube, simple_dim


def _plain_closure(cube: Cube, known: np.ndarray, rounds: int = 3) -> list:
    """The double loop: known sets by size (stable), ``big - small`` for every ``small`` inside a later
    ``big``; the new small sets of the first round that has any, else every new difference is known
    in the next round (its provenance the first pair making it)."""
    w = cube.atom_n
    mc = cube.min_cell
    sets: list[frozenset] = []
    prov: list[tuple] = []
    for c in np.flatnonzero(known & (cube.n > 0)):
        s = frozenset(np.flatnonzero(cube.dense[c]).tolist())
        if s not in sets:
            sets.append(s)
            prov.append((int(c),))

    def size(s):
        return int(sum(w[a] for a in s))

    for r in range(rounds):
        order = sorted(range(len(sets)), key=lambda i: size(sets[i]))
        small_known = {s for s in sets if size(s) < mc}
        out: list = []
        made: list = []
        for a, i in enumerate(order):
            for j in order[a + 1 :]:
                if sets[i] < sets[j]:
                    d = sets[j] - sets[i]
                    used = prov[j] + prov[i]
                    if size(d) < mc and d not in small_known and d not in [o for o, _ in out]:
                        out.append((d, used))
                    made.append((d, used))
        if out:
            return [(d, [c for c in dict.fromkeys(u) if cube.shown[c]]) for d, u in out]
        if r == rounds - 1:
            return []
        for d, used in made:
            if d not in sets:
                sets.append(d)
                prov.append(used)
    return []


def _tiny_cube(seed: int, min_cell: int) -> Cube:
    rng = np.random.default_rng(seed)
    n = 90
    codes = pd.DataFrame(
        {
            "gi": rng.choice(["A", "B", "C"], n, p=[0.5, 0.3, 0.2]),
            "rt": rng.choice(["j", "o"], n),
            "mt": rng.choice(["x", "y", "z", "\u2205"], n, p=[0.4, 0.3, 0.2, 0.1]),
            "grp": rng.choice(["0", "1", "2"], n, p=[0.6, 0.3, 0.1]),
        }
    )
    dims = [
        simple_dim("gi", ["A", "B", "C"], missing=False, rest=True),
        simple_dim("rt", ["j", "o"], missing=False),
        simple_dim("mt", ["x", "y", "z"], missing=True),
        simple_dim("grp", ["0", "1", "2"], missing=False),
    ]
    return Cube("item:test", codes, dims, n_filter_dims=3, min_cell=min_cell, crossed=False)


def _large_cell_samples(tries: int):
    """Per seed and min_cell a tiny cube and ``tries`` random sets of its cells of at least 2 x min_cell
    respondents (3, 5, 7, ... cells), as ``(cube, min_cell, cells)``."""
    for seed in range(6):
        rng = np.random.default_rng(seed)
        for min_cell in (4, 5, 6):
            cube = _tiny_cube(seed, min_cell)
            published = np.flatnonzero(cube.published & (cube.n > 0))
            large = published[cube.n[published] >= 2 * min_cell]
            for t in range(tries):
                yield cube, min_cell, rng.choice(large, size=min(len(large), 3 + 2 * t), replace=False)


def test_cube_closure_check_equals_the_plain_double_loop():
    # random known sets of cells of at least 2 x min_cell respondents: most need all three rounds to
    # prove there is no small set, some find one in round 2 or 3 (the provenance of a set of an
    # earlier round is then in the shown cells used)
    first_round = {0: 0, 1: 0, 2: 0, 3: 0}
    for cube, _, cells in _large_cell_samples(8):
        known = np.zeros(len(cube.n), bool)
        known[cells] = True
        plain = _plain_closure(cube, known)
        for limit in (1, 2, 10**6):
            fast = cube._closure_leaks(known, limit=limit)
            assert [(frozenset(np.flatnonzero(d).tolist()), u) for d, u in fast] == plain[:limit]
        rounds = [bool(cube._closure_leaks(known, rounds=k)) for k in (1, 2, 3)]
        first_round[rounds.index(True) + 1 if any(rounds) else 0] += 1
    assert all(first_round.values()), first_round


def _shown_as(cube: Cube, cells: np.ndarray) -> np.ndarray:
    """Make exactly ``cells`` the shown cells; return what follows from them (:meth:`Cube._derivable`)."""
    cube.hidden = cube.published.copy()
    cube.hidden[cells] = False
    return cube._derivable()


def test_cube_span_sets_include_every_set_the_subtraction_finds():
    # the exact audit (every small set in the span of the shown cells) finds at least what three
    # rounds of subtraction find; on these cubes it always runs (few light classes)
    ran = 0
    for cube, min_cell, cells in _large_cell_samples(6):
        known = _shown_as(cube, cells)
        exact = cube._span_small_sets(known, limit=10**6)
        if exact is None:
            continue
        ran += 1
        span = {frozenset(np.flatnonzero(a).tolist()) for a, _ in exact}
        closure = {frozenset(np.flatnonzero(a).tolist()) for a, _ in cube._closure_leaks(known, limit=10**6)}
        assert closure <= span
        for atoms, used in exact:
            assert 0 < cube.atom_n[atoms].sum() < min_cell
            assert all(cube.shown[c] for c in used)
    assert ran > 50


def test_cube_span_sets_equal_a_brute_force_search_of_every_set():
    # a cube of few atoms: every set of atoms of 1..min_cell-1 respondents whose indicator is a
    # combination of the shown cells' rows (least squares residual 0), by trying all of them
    rng = np.random.default_rng(7)
    n = 40
    codes = pd.DataFrame(
        {
            "gi": rng.choice(["A", "B", "C"], n, p=[0.5, 0.3, 0.2]),
            "rt": rng.choice(["j", "o"], n),
            "grp": rng.choice(["0", "1", "2"], n, p=[0.6, 0.3, 0.1]),
        }
    )
    dims = [
        simple_dim("gi", ["A", "B", "C"], missing=False),
        simple_dim("rt", ["j", "o"], missing=False),
        simple_dim("grp", ["0", "1", "2"], missing=False),
    ]
    checked = 0
    for min_cell in (4, 6, 8):
        cube = Cube("item:brute", codes, dims, n_filter_dims=2, min_cell=min_cell, crossed=False)
        n_atoms = len(cube.atom_n)
        assert n_atoms <= 18
        published = np.flatnonzero(cube.published & (cube.n > 0))
        for t in range(10):
            cells = rng.choice(published, size=min(len(published), 2 + t), replace=False)
            known = _shown_as(cube, cells)
            exact = cube._span_small_sets(known, limit=10**6)
            assert exact is not None
            got = {frozenset(np.flatnonzero(a).tolist()) for a, _ in exact}
            S = cube.dense[np.flatnonzero(cube.shown & (cube.n > 0))].astype(float)
            small_known = {
                frozenset(np.flatnonzero(cube.dense[c]).tolist())
                for c in np.flatnonzero(known & (cube.n > 0) & (cube.n < min_cell))
            }
            want = set()
            for bits in range(1, 1 << n_atoms):
                atoms = np.array([(bits >> i) & 1 for i in range(n_atoms)], dtype=bool)
                size = int(cube.atom_n[atoms].sum())
                if not 0 < size < min_cell:
                    continue
                x = atoms.astype(float)
                coef = np.linalg.lstsq(S.T, x, rcond=None)[0]
                if np.abs(S.T @ coef - x).max() < 1e-7:
                    s = frozenset(np.flatnonzero(atoms).tolist())
                    if s not in small_known:
                        want.add(s)
            assert got == want
            checked += len(want)
    assert checked > 0


def test_cube_span_sets_with_nothing_shown_find_nothing():
    # review finding: after every cell is hidden the search must not read the basis of an earlier
    # decision (it found 200 "sets" there, and the re-show loop would check them forever)
    cube = _tiny_cube(0, 5)
    _shown_as(cube, np.flatnonzero(cube.published & (cube.n > 0)))
    cube.hidden = cube.published.copy()
    known = cube._derivable()
    assert cube._span_small_sets(known, limit=200) == []
    assert cube._closure_leaks(known, limit=200) == []
