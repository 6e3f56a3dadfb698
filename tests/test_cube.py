"""The suppression engine's repeated-subtraction check (analysis/cube.py, issue 9 (a)).

``Cube._closure_leaks`` tests only pairs of known sets with the same atoms of
``min_cell`` or more respondents and sizes less than ``min_cell`` apart, on
bit rows; its docstring promises the result of a plain double loop.  The
reference below is that loop, written out with Python sets.
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


def test_cube_closure_check_equals_the_plain_double_loop():
    # random known sets of cells of at least 2 x min_cell respondents: most need all three rounds to
    # prove there is no small set, some find one in round 2 or 3 (the provenance of a set of an
    # earlier round is then in the shown cells used)
    first_round = {0: 0, 1: 0, 2: 0, 3: 0}
    for seed in range(6):
        rng = np.random.default_rng(seed)
        for min_cell in (4, 5, 6):
            cube = _tiny_cube(seed, min_cell)
            published = np.flatnonzero(cube.published & (cube.n > 0))
            large = published[cube.n[published] >= 2 * min_cell]
            for t in range(8):
                known = np.zeros(len(cube.n), bool)
                known[rng.choice(large, size=min(len(large), 3 + 2 * t), replace=False)] = True
                plain = _plain_closure(cube, known)
                for limit in (1, 2, 10**6):
                    fast = cube._closure_leaks(known, limit=limit)
                    assert [(frozenset(np.flatnonzero(d).tolist()), u) for d, u in fast] == plain[:limit]
                rounds = [bool(cube._closure_leaks(known, rounds=k)) for k in (1, 2, 3)]
                first_round[rounds.index(True) + 1 if any(rounds) else 0] += 1
    assert all(first_round.values()), first_round
