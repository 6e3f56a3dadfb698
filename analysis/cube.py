"""Cell suppression over linked tables: the engine behind :mod:`analysis.protection`.

A :class:`Cube` is one *family* of published numbers that add up, for example
"the grade" (the mean grade of every selection a reader can make) or "the
answers to explained_at_start".  The family's respondents are split into
*atoms*: the finest combinations of the codes of its dimensions (round x
institution x respondent type x measure type, and at most two group
dimensions such as the number of workers).  A *cell* is a set of atoms a
reader can ask for: every dimension at one value, at "all" (the margin) or at
another published selection (e.g. "all other institutions", used by the
comparison page).  Whatever is published about a cell (its count, the counts
of its answers, its sum of grades) is a sum over its atoms, so every
published number is a linear function of the atoms' totals.

Suppression follows the hypercube method of tau-ARGUS (Repsilber 1994; de Wolf
2002; Hundepool et al. 2012, *Statistical Disclosure Control*, Wiley,
sections 4.2-4.3 and 5.x), with a line rule for unions and an exact audit:

1. *primary*: every cell with ``0 < n < min_cell`` is hidden, and every cell a
   parent family hides (e.g. a hidden selection hides its figures).
2. *line rule*: a *line* is a total and the cells that split it along one
   dimension (the institutions of a selection, the groups of a figure, the
   measure types including the never-selectable "no measure type").  While
   the cells of a known line total that the reader cannot know hold between
   1 and ``min_cell - 1`` respondents together, the smallest shown cell with
   respondents in the line is hidden too.
3. *hypercubes*: every sensitive set (a cell or a never-published part with
   ``0 < n < min_cell``, and the unknown part of a line that step 2 cannot
   repair) gets a *hypercube* of non-empty atoms: one atom ``a`` in the set
   and, for each dimension in which the set is specific, a partner code
   outside it.  Adding +d to the corners with an even number of partner
   codes and -d to the others changes the total of the sensitive set but of
   no cell that contains 0 or 2, 4, ... corners in every dimension; every
   published cell that would change is hidden.  So the reader cannot tell
   ``d = 0`` from ``d != 0``: **the perturbation is a proof that the set's
   totals cannot be worked out** from the shown cells, by any combination.
   Of the candidate hypercubes the one that hides the fewest respondents is
   chosen.
4. *audit*: the row space of the shown cells is computed (singular value
   decomposition) and every hidden cell whose total lies in it is reported;
   a sensitive one would be a failure of step 3 and is repaired by hiding a
   cell its derivation uses.  Steps 2-4 repeat until the audit finds nothing.

Atoms with no respondents are treated as known to the reader (conservative):
a hypercube never uses one.  Decisions depend on the counts only.
"""

from __future__ import annotations

import itertools
import os
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import sparse
from threadpoolctl import threadpool_limits

#: Label of the margin ("all") of a dimension.
ALL = "*"
#: Code of a missing value in an atom (never selectable on its own).
EMPTY = "\u2205"

SHOWN, SMALL, PROTECTS, EMPTY_CELL = "shown", "small", "protects", "empty"

_DEBUG = bool(os.environ.get("CUBE_DEBUG"))


@dataclass
class Dim:
    """One dimension of a cube.

    Attributes
    ----------
    name : str
        Column name (e.g. ``"gi"``, ``"n_workers"``).
    selections : dict
        Published selections: label -> frozenset of codes, or None for "all".
    virtual : dict
        Selections that are never published but split a published total
        (e.g. the respondents without a measure type): label -> codes.
    partitions : list of (total label, [child labels])
        Lines of this dimension: the children split the total exactly.
    """

    name: str
    selections: dict[str, frozenset | None]
    virtual: dict[str, frozenset] = field(default_factory=dict)
    partitions: list[tuple[str, list[str]]] = field(default_factory=list)

    def codes_of(self, label) -> frozenset | None:
        if isinstance(label, frozenset):
            return label
        if label in self.selections:
            return self.selections[label]
        return self.virtual[label]


def simple_dim(
    name: str, values: Sequence[str], *, missing: bool, rest: bool = False, answered: bool = False, other=None
) -> Dim:
    """A dimension with one selection per value, the margin "all" and its lines.

    ``missing``: the data can have an empty value (a virtual child of "all").
    ``rest``: publish "all but X" for every value X (comparison with the rest).
    ``answered``: publish "every value" (all minus the empty ones) too.
    ``other``: (label, codes) of a virtual child holding codes that are not
    published as groups (e.g. had_gap ``weet_niet`` and empty in a figure
    that shows only ``nee`` and ``ja``); ``values`` are then the shown groups.
    """
    values = [str(v) for v in values]
    sel: dict[str, frozenset | None] = {v: frozenset([v]) for v in values}
    sel[ALL] = None
    virtual: dict[str, frozenset] = {}
    parts: list[tuple[str, list[str]]] = []
    children = list(values)
    if other is not None:
        virtual[other[0]] = frozenset(other[1])
        children.append(other[0])
    elif missing:
        virtual[EMPTY] = frozenset([EMPTY])
        children.append(EMPTY)
    parts.append((ALL, children))
    if answered:
        sel["+"] = frozenset(values)
        parts.append(("+", list(values)))
    if rest and len(values) > 2:
        for v in values:
            label = f"-{v}"
            sel[label] = None  # resolved against the data in Cube (all codes but v)
            parts.append((ALL, [v, label]))
    return Dim(name, sel, virtual, parts)


def _is_rest(label) -> bool:
    return isinstance(label, str) and label.startswith("-") and len(label) > 1


class Cube:
    """A family of additive published cells with its suppression decisions.

    Parameters
    ----------
    key : str
        Name of the family (e.g. ``"grade"``, ``"item:explained_at_start"``).
    codes : pandas.DataFrame
        One row per respondent of the family's population, one column per
        dimension (codes as text, :data:`EMPTY` for missing).
    dims : list of Dim
        The dimensions; every combination of their selections is a published
        cell, except that "all but X" selections are combined only with the
        margin of the dimensions after ``n_filter_dims`` (the comparison
        shows no groups).
    n_filter_dims : int
        How many of ``dims`` are filter dimensions (the rest are groups).
    min_cell : int
        The threshold.
    forced : callable, optional
        ``forced(key) -> bool``: cells that must be hidden because a parent
        family hides them (or the table hides them whatever the data).
    sticky : callable, optional
        ``sticky(key) -> bool``: cells hidden in an earlier release of the
        same rows (sticky suppression).  They start hidden and are never
        tried again, but a sticky cell whose total follows from the shown
        cells is shown at the end, as any such hidden cell (it hides nothing,
        and showing it adds nothing to what the shown cells give).
    fixed : callable, optional
        ``fixed(key) -> bool``: cells this family may not hide (another
        family decides them and shows them).
    apart : callable, optional
        ``apart(key) -> bool``: keys of parts that are tables of their own
        taken together (all rounds together, when each round is a table of its
        own).  Such a cell is hidden whatever the data, unless the same
        respondents also form a cell of one part (an institution that took
        part in one round only): then that part's cell decides, as a number
        shown there is the same number (outsider finding, December 2026: an
        institution of 335 read "verborgen" in its one round while the round's
        total minus the other institutions gave it).
    weights : array of int, optional
        Respondents per row of ``codes`` (rows that are combinations already
        counted, as :class:`analysis.protection.ProtectedData` passes them);
        None: one respondent per row.
    rest_groups : iterable of str
        Group dimensions whose groups are also published with "all but X"
        (the comparison of a question whose answers are the groups, e.g.
        had_gap).
    crossed : bool
        True: every combination of group labels is published (a cross
        table).  False: at most one group dimension is not at its margin in
        a published cell (figures show one grouping at a time).
    virtual_sensitive : bool
        Whether never-published parts (e.g. the respondents without a
        measure type) need protection.  True for families that publish
        answers (their answers must not follow by subtraction); False for
        families that publish counts only, where such a part is just the
        number of respondents who did not answer a question (shown in every
        distribution anyway).
    """

    def __init__(
        self,
        key: str,
        codes: pd.DataFrame,
        dims: list[Dim],
        *,
        n_filter_dims: int,
        min_cell: int,
        forced=None,
        sticky=None,
        fixed=None,
        apart=None,
        weights=None,
        rest_groups: Iterable[str] = (),
        virtual_sensitive: bool = True,
        crossed: bool = True,
    ):
        self.key = key
        self.virtual_sensitive = bool(virtual_sensitive)
        self.rest_groups = frozenset(rest_groups)
        self.crossed = bool(crossed)
        self.min_cell = int(min_cell)
        self.dims = list(dims)
        self.n_filter = int(n_filter_dims)
        self.names = [d.name for d in self.dims]
        if codes.empty:
            atoms = pd.DataFrame({c: pd.Series(dtype=object) for c in self.names})
            atoms["n"] = pd.Series(dtype="int64")
        elif weights is None:
            atoms = codes[self.names].astype(str).groupby(self.names, sort=True).size().rename("n").reset_index()
        else:
            atoms = (
                codes[self.names]
                .astype(str)
                .assign(n=np.asarray(weights, dtype=np.int64))
                .groupby(self.names, sort=True)["n"]
                .sum()
                .reset_index()
            )
        self.atoms = atoms
        self.atom_n = atoms["n"].to_numpy(dtype=np.int64)
        self._codes = {c: atoms[c].to_numpy(dtype=object) for c in self.names}
        self._present = {c: sorted(set(self._codes[c])) for c in self.names}
        # a filter with one value in the data: that value is the same selection as "all"
        self._only = {i: self._present[c][0] for i, c in enumerate(self.names) if len(self._present[c]) == 1}
        self._mask_cache: dict[tuple, np.ndarray] = {}
        self._prefix_masks: dict[tuple, np.ndarray] = {}
        self._ids: dict[bytes, int] = {}
        self._masks: list[np.ndarray] = []
        self.key_to_id: dict[tuple, int] = {}
        self.id_keys: dict[int, tuple] = {}
        published: list[bool] = []
        spec: list[int] = []

        def intern(key_: tuple, is_published: bool) -> int:
            if not is_published and key_ in self.key_to_id:
                return self.key_to_id[key_]  # a published cell: the same atoms, already interned
            mask = self.mask(key_)
            b = np.packbits(mask).tobytes() + len(mask).to_bytes(4, "little")
            cid = self._ids.get(b)
            if cid is None:
                cid = len(self._masks)
                self._ids[b] = cid
                self._masks.append(mask)
                published.append(is_published)
                spec.append(0)
                self.id_keys[cid] = key_
            if is_published:
                published[cid] = True
                s = sum(1 for lab in key_ if lab != ALL)
                if s > spec[cid]:
                    spec[cid] = s
                self.key_to_id[key_] = cid
            return cid

        labels = [list(d.selections) for d in self.dims]
        for key_ in itertools.product(*labels):
            if self._allowed(key_):
                intern(key_, True)
        lines: list[tuple[int, list[int]]] = []
        for di, dim in enumerate(self.dims):
            others = [labels[j] if j != di else [None] for j in range(len(self.dims))]
            for total, children in dim.partitions:
                for combo in itertools.product(*others):
                    tkey = combo[:di] + (total,) + combo[di + 1 :]
                    if not self._allowed(tkey) or any(
                        not self._allowed(combo[:di] + (c if c in dim.selections else total,) + combo[di + 1 :])
                        for c in children
                    ):
                        continue
                    ids = [intern(combo[:di] + (c,) + combo[di + 1 :], False) for c in children]
                    lines.append((self.key_to_id[tkey], ids))
        self.lines = lines
        self.published = np.array(published, dtype=bool)
        self.spec = np.array(spec, dtype=np.int64)
        n_ids = len(self._masks)
        self.n = np.array([int(self.atom_n[m].sum()) for m in self._masks], dtype=np.int64)
        self.fixed = np.zeros(n_ids, dtype=bool)
        self.forced = np.zeros(n_ids, dtype=bool)
        self.sticky = np.zeros(n_ids, dtype=bool)
        for k, cid in self.key_to_id.items():
            if fixed is not None and fixed(k):
                self.fixed[cid] = True
            if forced is not None and forced(k):
                self.forced[cid] = True
            if sticky is not None and sticky(k):
                self.sticky[cid] = True
        if apart is not None:
            together = np.zeros(n_ids, dtype=bool)
            single = np.zeros(n_ids, dtype=bool)
            for k, cid in self.key_to_id.items():
                if apart(k):
                    together[cid] = True
                else:
                    single[cid] = True
            self.forced |= together & ~single
        self.sticky &= ~self.forced
        self.fixed &= ~(self.forced | self.sticky)
        # a hypercube never hides a national figure or a whole selection with one filter set (one
        # institution, one measure type, ...); only the line rule may (as in a single table)
        self.national = np.zeros(n_ids, dtype=bool)
        for k, cid in self.key_to_id.items():
            spec = sum(1 for i, lab in enumerate(k[: self.n_filter]) if lab != ALL and lab != self._only.get(i))
            if spec == 0 or (spec == 1 and all(lab == ALL for lab in k[self.n_filter :])):
                self.national[cid] = True
        # coarser cells cost more to hide: weight 4 per filter at "all"
        # and a whole selection (every group at its margin) 8 times more than one of its groups
        self.weight = np.array(
            [
                4 ** sum(1 for lab in self.id_keys[c][: self.n_filter] if lab == ALL)
                * (
                    8
                    if len(self.dims) > self.n_filter and all(lab == ALL for lab in self.id_keys[c][self.n_filter :])
                    else 1
                )
                for c in range(n_ids)
            ],
            dtype=np.int64,
        )
        self.dense = np.vstack(self._masks).astype(np.int8) if n_ids else np.zeros((0, len(self.atom_n)), np.int8)
        self._masks = []
        self._prefix_masks = {}  # only the cells' masks were needed (now rows of dense)
        self.hidden = np.zeros(n_ids, dtype=bool)
        self.rounds = 0
        self.hypercubes: list[tuple[np.ndarray, np.ndarray]] = []
        self.unprotected: list[tuple] = []
        #: repeated-subtraction checks of the build and the seconds they took (benchmarks/disclosure_cost.py)
        self.closure_checks = 0
        self.closure_seconds = 0.0
        self.suppress()

    # ------------------------------------------------------------------ cells

    def _allowed(self, key_: tuple) -> bool:
        """Published combinations: groups one at a time unless crossed; "all but X" only with
        the margins of the group dimensions, or with the groups of ``rest_groups``."""
        nf = self.n_filter
        groups = [self.names[nf + i] for i, lab in enumerate(key_[nf:]) if lab != ALL]
        if not self.crossed and len(groups) > 1:
            return False
        for lab in key_[:nf]:  # called for every key of the cube: _is_rest written out
            if isinstance(lab, str) and len(lab) > 1 and lab[0] == "-":
                return all(name in self.rest_groups for name in groups)
        return True

    def _codes_of(self, di: int, label) -> frozenset | None:
        dim = self.dims[di]
        if _is_rest(label) and label in dim.selections:
            v = label[1:]
            return frozenset(c for c in self._present[dim.name] if c != v) | {EMPTY}
        return dim.codes_of(label)

    def _dim_mask(self, di: int, label) -> np.ndarray:
        k = (di, label)
        m = self._mask_cache.get(k)
        if m is None:
            codes = self._codes_of(di, label)
            col = self._codes[self.names[di]]
            m = np.ones(len(col), dtype=bool) if codes is None else np.isin(col, list(codes))
            self._mask_cache[k] = m
        return m

    def mask(self, key_: tuple) -> np.ndarray:
        """Atoms of a cell (labels per dimension; a frozenset is a set of codes).  Read only: the
        masks of shorter keys (prefixes) are kept and shared, so each cell costs one AND."""
        key_ = tuple(key_)
        m = self._prefix_masks.get(key_)
        if m is not None:
            return m
        if not key_:
            m = np.ones(len(self.atom_n), dtype=bool)
        else:
            di, lab = len(key_) - 1, key_[-1]
            m = self.mask(key_[:-1])
            if not (lab == ALL and self.dims[di].selections.get(ALL, 0) is None):
                m = m & self._dim_mask(di, lab)
        if len(key_) < len(self.dims):
            self._prefix_masks[key_] = m
        return m

    @property
    def shown(self) -> np.ndarray:
        return self.published & ~self.hidden

    # ------------------------------------------------------------------ suppression

    def suppress(self, max_rounds: int = 200) -> None:
        """Primary suppression, then line rule, audit and hypercubes until the audit finds nothing.

        Runs with one BLAS thread: the matrices are small (hundreds of cells
        and atoms) and many, so threads cost more in start-up and contention
        than they gain (on 2 cores the demo table took 2.5 times as long).
        """
        with threadpool_limits(limits=1, user_api="blas"):
            self._suppress(max_rounds)

    def _suppress(self, max_rounds: int) -> None:
        n = self.n
        mc = self.min_cell
        self.hidden = self.published & (((n > 0) & (n < mc)) | self.forced | self.sticky)
        if not len(n):
            return
        totals = np.array([t for t, _ in self.lines], dtype=np.int64)
        rows = [i for i, (_, ch) in enumerate(self.lines) for _ in set(ch)]
        cols = [c for _, ch in self.lines for c in set(ch)]
        self._lt = totals
        self._lc = sparse.csr_matrix((np.ones(len(rows), np.int64), (rows, cols)), shape=(len(self.lines), len(n)))
        sensitive = (n > 0) & (n < mc) & (self.published | self.virtual_sensitive)
        self._sensitive = sensitive
        self._line_rule(self.shown | (n == 0))
        for _ in range(max_rounds):
            self.rounds += 1
            known = self._derivable()
            leaks = np.flatnonzero(sensitive & known & ~self.shown)
            stuck = self._line_rule(known)
            if stuck:
                known = self._derivable()
                leaks = np.flatnonzero(sensitive & known & ~self.shown)
            if _DEBUG:
                print(
                    self.key,
                    "round",
                    self.rounds,
                    "hidden",
                    int(self.hidden.sum()),
                    "leaks",
                    len(leaks),
                    "stuck",
                    len(stuck),
                    "cubes",
                    len(self.hypercubes),
                    flush=True,
                )
            if not len(leaks) and not stuck:
                self._show_again()
                return
            targets = [(self.id_keys[c], self.dense[c].astype(bool)) for c in leaks]
            targets.sort(key=lambda t: (-sum(1 for lab in t[0] if lab != ALL), int(self.atom_n[t[1]].sum())))
            failed = self._protect(targets + stuck)
            if failed:
                self._break_derivations(np.array([c for c in leaks if self.id_keys[c] in failed], dtype=np.int64))
                for key_, part in stuck:
                    if key_ in failed:
                        self._break_union(part)
        raise RuntimeError(f"suppression of {self.key!r} did not converge")  # pragma: no cover

    def _show_again(self, limit: int = 120) -> None:
        """Greedy un-suppression: try to show hidden cells again (whole selections first, then groups;
        the coarsest and largest first), and keep each one shown only when the audit and the line
        check still find nothing (at most ``limit`` tries)."""
        n = self.n
        groups_at_margin = np.array(
            [all(lab == ALL for lab in self.id_keys[c][self.n_filter :]) for c in range(len(n))], dtype=bool
        )
        cand = np.flatnonzero(self.published & self.hidden & ~self.forced & ~self.sticky & (n >= self.min_cell))
        # whole selections first, then groups; coarser and larger first
        order = sorted(cand, key=lambda c: (not groups_at_margin[c], -int(self.weight[c]), -int(n[c]), c))[:limit]
        sensitive = self._sensitive
        reshown = []
        # residuals of every cell against the row space of the shown cells: showing one more cell
        # adds (at most) one direction, so each try is a rank-one update, not a new decomposition
        resid = self._residuals()
        for c in order:
            self.hidden[c] = False
            trial = self._add_direction(resid, c)
            known = self.shown | (n == 0) | self._in_span(trial)
            if (sensitive & known & ~self.shown).any() or self._line_rule(known, act=False):
                self.hidden[c] = True
            else:
                resid = trial
                reshown.append(c)
        # final certification by repeated subtraction, batched: every small set of the first closure
        # round that finds any (issue 9 (a): L-shaped differences of nested known cells, often derived
        # from hidden cells whose totals follow only); undo the re-shown cells they use (last first),
        # else give each set a hypercube like a sensitive cell, cut where none exists, and check again
        while True:
            t0 = time.perf_counter()
            found = self._small_sets(limit=200)
            self.closure_checks += 1
            self.closure_seconds += time.perf_counter() - t0
            if _DEBUG:
                print(self.key, "closure", len(found), "hidden", int(self.hidden.sum()), flush=True)
            if not found:
                break
            before = self.hidden.copy()
            undo = {next(c for c in reversed(reshown) if c in used) for _, used in found if set(used) & set(reshown)}
            if undo:
                self.hidden[list(undo)] = True
                reshown = [c for c in reshown if c not in undo]
                continue
            # each set as a target of a hypercube (a proof that it leaves the span); a cut where none exists
            left = self._cut(found, essential_only=True)
            failed = self._protect([(self._set_key(atoms), atoms) for atoms, _ in left])
            rest = [(atoms, used) for atoms, used in left if self._set_key(atoms) in failed]
            if rest and not self._cut(rest):  # pragma: no cover - no shown cell in any derivation
                break
            if np.array_equal(before, self.hidden):  # pragma: no cover - never seen; a guard against looping
                # nothing changed (the sets' derivations use only cells another family decides): hide the
                # shown cells of this family they use, or stop with an error, never check the same sets again
                extra = sorted({c for _, used in found for c in used if self.shown[c] and not self.fixed[c]})
                if not extra:
                    raise RuntimeError(f"suppression of {self.key!r} did not converge")
                self.hidden[extra] = True
        # a hidden cell whose total follows from the shown cells hides nothing: show it (the span, and
        # so everything that follows, stays the same), so that "hidden" never marks a number anyone
        # can work out (e.g. all respondents minus the parents when only the youths are hidden); a
        # sticky cell too (outsider finding: a group hidden at release, 147 - 114 shown beside it)
        known = self._derivable()
        free = np.flatnonzero(self.published & self.hidden & ~self.forced & known & (self.n >= self.min_cell))
        if len(free):
            self.hidden[free] = False
            self._derivable()

    def _set_key(self, atoms: np.ndarray) -> tuple:
        """A key of a set of atoms: per dimension its one label, "all", or the set of its codes."""
        out = []
        for di, name in enumerate(self.names):
            codes = set(self._codes[name][atoms])
            if codes >= set(self._present[name]):
                out.append(ALL)
            elif len(codes) == 1 and next(iter(codes)) in self.dims[di].selections:
                out.append(next(iter(codes)))
            else:
                out.append(frozenset(codes))
        return tuple(out)

    def _cut(self, found: list, essential_only: bool = False):
        """Hide a cheap set of shown cells that hits the derivation of every small set found.

        A set's derivation support is the cells it was subtracted from (when
        shown) and the shown cells of its minimum-norm combination
        (``pinv @ set``, :meth:`_derivable`'s basis): every combination of the
        shown cells giving the set uses one of them or another combination,
        which the next check finds.  Greedy set cover: the cell covering the
        most sets per respondent x weight first (Chvatal 1979).  Returns
        False when no set has a shown cell to hide.  With ``essential_only``
        only sets with a shown cell that every derivation needs are cut (the
        cut then surely takes them out of the span); the others are returned
        (for a hypercube).
        """
        shown, P, pinv = self._basis
        # a shown cell whose coefficient is the same in every combination of the shown cells
        # (its row is in no dependency: 0 in every left null vector) and not 0 for a set is
        # needed by every derivation of that set: hiding it takes the set out of the span
        R = (self.dense[shown] @ P > 0).astype(float)
        u, sv, _ = np.linalg.svd(R, full_matrices=True)
        rank = int((sv > 1e-9 * max(1.0, float(sv.max()) if len(sv) else 1.0)).sum())
        free = np.abs(u[:, rank:]).max(axis=1) > 1e-7 if rank < len(shown) else np.zeros(len(shown), bool)
        supports = []
        left = []
        for atoms, used in found:
            target = ((atoms.astype(float) @ P) > 0).astype(float)
            y = pinv @ target
            nz = np.abs(y) > 1e-7
            sup = {int(shown[i]) for i in np.flatnonzero(nz & ~free)}
            if essential_only and not any(not self.fixed[c] for c in sup):
                left.append((atoms, used))
                continue
            if not any(not self.fixed[c] for c in sup):
                sup |= {int(shown[i]) for i in np.flatnonzero(nz)} | set(used)
            sup = {c for c in sup if self.shown[c]}
            own = {c for c in sup if not self.fixed[c]}
            if own:
                supports.append(own)
            elif sup:
                # only cells of a parent family: hide every group cell of this family in those selections
                views = {self.id_keys[c][: self.n_filter] for c in sup}
                for k, c in self.key_to_id.items():
                    if k[: self.n_filter] in views and self.shown[c] and not self.fixed[c]:
                        self.hidden[c] = True
                supports.append(set())
        acted = any(not s for s in supports)
        open_ = [s for s in supports if s]
        while open_:
            counts: dict[int, int] = {}
            for s in open_:
                for c in s:
                    counts[c] = counts.get(c, 0) + 1
            pick = max(counts, key=lambda c: (counts[c] / max(1, int(self.n[c] * self.weight[c])), -c))
            self.hidden[pick] = True
            acted = True
            open_ = [s for s in open_ if pick not in s]
        return left if essential_only else acted

    #: most sets of 1 to ``min_cell - 1`` respondents :meth:`_span_small_sets` tests one by one
    SPAN_SET_LIMIT = 200_000
    #: most numbers it holds at once (sets x null-space dimensions or light classes; 160 MB)
    SPAN_VALUES_LIMIT = 20_000_000

    def _small_sets(self, limit: int) -> list:
        """Small sets whose totals follow from the shown cells, as ``(atom mask, shown cells used)``.

        Exact (:meth:`_span_small_sets`: every such set) when the sets of fewer
        than ``min_cell`` respondents are few enough to test one by one, as in
        a large round where nearly every atom holds ``min_cell`` or more;
        otherwise repeated subtraction (:meth:`_closure_leaks`), which finds
        the sets a reader can make from the known cells in three rounds.
        """
        known = self._derivable()
        found = self._span_small_sets(known, limit)
        if found is None:
            found = self._closure_leaks(known, limit=limit)
        return found

    def _span_small_sets(self, known: np.ndarray, limit: int) -> list | None:
        """Every set of 1 to ``min_cell - 1`` respondents whose total lies in the span of the shown cells.

        A set of fewer than ``min_cell`` respondents holds no atom (and no
        class of atoms the shown cells do not tell apart) of ``min_cell`` or
        more, so it is a union of *light* classes.  Its indicator lies in the
        row space of the shown cells exactly when it is orthogonal to their
        null space: the sets are enumerated (each extended by later classes
        while it stays under ``min_cell``) and tested with one matrix product
        per size.  This finds every set that any combination of the shown
        cells gives (what :meth:`_closure_leaks` finds by three rounds of
        subtraction, and more).  Returns None when there are more than
        :attr:`SPAN_SET_LIMIT` candidate sets (small data: many atoms of one
        or two respondents), or when they would take more than
        :attr:`SPAN_VALUES_LIMIT` numbers; the caller then subtracts.  ``known`` is what
        :meth:`_derivable` returned just before (its basis is used).
        """
        if not self.virtual_sensitive:
            return []  # a family of counts: the exact audit of its cells is enough (see _closure_leaks)
        mc = self.min_cell
        shown, P, pinv = self._basis
        if not len(shown):
            return []
        cls = P.argmax(axis=1)
        k = P.shape[1]
        cw = np.bincount(cls, weights=self.atom_n, minlength=k).astype(np.int64)
        light = np.flatnonzero((cw > 0) & (cw < mc))
        if not len(light):
            return []
        R = (self.dense[shown] @ P > 0).astype(float)
        lam, vec = np.linalg.eigh(R.T @ R)
        null = vec[:, lam <= 1e-9 * max(1.0, float(lam.max()))]
        C = null[light]  # a set of light classes follows exactly when its rows of C add up to 0
        wl = cw[light]
        L = len(light)
        # how many sets there are, counted before any is made (0/1 knapsack over the class sizes)
        ways = np.zeros(mc)
        ways[0] = 1.0
        for w_ in wl:
            ways[w_:] = ways[w_:] + ways[: mc - w_]
        n_sets = float(ways[1:].sum())
        if n_sets > self.SPAN_SET_LIMIT or n_sets * max(1, C.shape[1], L) > self.SPAN_VALUES_LIMIT:
            return None
        # level by level: (members, last member, size, sum of C rows)
        members = [np.arange(L)[:, None]]
        last = [np.arange(L)]
        size = [wl.copy()]
        acc = [C.copy()]
        while len(last[-1]):
            grow = (np.arange(L)[None, :] > last[-1][:, None]) & (size[-1][:, None] + wl[None, :] < mc)
            a, b = np.nonzero(grow)
            members.append(np.concatenate([members[-1][a], b[:, None]], axis=1))
            last.append(b)
            size.append(size[-1][a] + wl[b])
            acc.append(acc[-1][a] + C[b])
        small_known = {
            self.dense[c].astype(bool).tobytes() for c in np.flatnonzero(known & (self.n > 0) & (self.n < mc))
        }
        hits = []
        for m, s, r in zip(members, size, acc):
            ok = np.abs(r).max(axis=1) < 1e-7 if r.shape[1] else np.ones(len(s), bool)
            hits += [(int(s[i]), sorted(light[m[i]].tolist())) for i in np.flatnonzero(ok)]
        hits.sort(key=lambda h: h[0])
        out = []
        for _, classes in hits:
            atoms = np.isin(cls, classes)
            if atoms.tobytes() in small_known:
                continue
            target = np.zeros(k)
            target[classes] = 1.0
            y = pinv @ target
            out.append((atoms, [int(shown[i]) for i in np.flatnonzero(np.abs(y) > 1e-7) if self.shown[shown[i]]]))
            if len(out) >= limit:
                break
        return out

    def _closure_leak(self, known: np.ndarray, rounds: int = 3):
        """The first small set :meth:`_closure_leaks` finds, as ``(key, shown cells used)``, or None."""
        found = self._closure_leaks(known, rounds, limit=1)
        if not found:
            return None
        atoms, used = found[0]
        return int.from_bytes(np.packbits(atoms).tobytes(), "big"), used

    def _closure_leaks(self, known: np.ndarray, rounds: int = 3, limit: int = 1) -> list:
        """Repeated subtraction over everything known: a small set it isolates, with the cells used.

        Known sets are the shown cells and the hidden cells whose totals follow
        (:meth:`_derivable`); a known set minus a known set inside it is known
        too (parent minus children, over every split, repeated ``rounds``
        times: the auditor's attack, tests/test_disclosure_auditor.py).
        Returns ``(atom mask, ids of the shown cells used)`` for up to ``limit``
        different sets of 1 to ``min_cell - 1`` respondents (any set in a family
        of answers), all from the first round that finds one; empty when none.

        The result is that of a plain double loop over the known sets sorted
        by size (smallest first; ``big - small`` for every ``small`` inside a
        later ``big``; each round adds the new differences, the first pair
        making each one its provenance), computed faster: sets are rows of
        bits (64 atoms a word), ``size(big - small) = size(big) - size(small)``,
        and a difference of fewer than ``min_cell`` respondents holds no atom
        of ``min_cell`` or more, so only pairs with the same such *heavy*
        atoms and sizes less than ``min_cell`` apart are tested (a few per
        set instead of every pair in the size window: the third round of the
        demo grade family has 285,000 sets, 694 million pairs in the window,
        800,000 with the same heavy atoms).  The small differences found are
        put in loop order (the first one whose difference is new is the one
        the loop returns; a difference made earlier in the loop from another
        pair is the same set, of the same size, and would have been returned
        there).  The sets of a next round come from every nested pair (one
        matrix product per block of rows), as before.
        """
        if not self.virtual_sensitive:
            # a family of counts: only small published cells are sensitive, and whether their
            # totals follow from the shown cells (by any combination) is the exact audit already
            return []
        w = self.atom_n.astype(np.int64)
        n_atoms = len(w)
        mc = self.min_cell
        ids = np.flatnonzero(known & (self.n > 0))
        rows = self.dense[ids].astype(bool).reshape(len(ids), n_atoms)
        P = _pack_rows(rows)
        void = np.dtype((np.void, P.shape[1] * 8))
        _, first = np.unique(P.view(void).ravel(), return_index=True)
        first = np.sort(first)
        P = P[first]
        sizes = rows[first].astype(np.int64) @ w  # respondents per set
        heavy = _pack_rows((w >= mc)[None, :])[0]
        # a difference of fewer than min_cell respondents can only equal a known set that small
        index = {p.tobytes() for p in P[sizes < mc]}
        # where each set comes from: a shown or derivable cell, or (big, small) of a difference
        cell = ids[first].astype(np.int64)
        p_big = np.full(len(cell), -1, dtype=np.int64)
        p_small = np.full(len(cell), -1, dtype=np.int64)

        def cells_of(i: int) -> tuple:
            if p_big[i] < 0:
                return (int(cell[i]),)
            return cells_of(int(p_big[i])) + cells_of(int(p_small[i]))

        for r in range(rounds):
            order = np.argsort(sizes, kind="stable")
            pos = np.empty(len(order), dtype=np.int64)
            pos[order] = np.arange(len(order))
            smalls, bigs = _small_differences(P, sizes, heavy, mc)
            loop = np.lexsort((pos[bigs], pos[smalls]))  # the double loop's order: small, then big
            out: list = []
            seen: set = set()
            for small, big in zip(smalls[loop].tolist(), bigs[loop].tolist()):
                d = P[big] & ~P[small]
                pd_ = d.tobytes()
                if pd_ not in index and pd_ not in seen:
                    seen.add(pd_)
                    used = cells_of(big) + cells_of(small)
                    atoms = np.unpackbits(d.view(np.uint8), count=n_atoms).astype(bool)
                    out.append((atoms, [c for c in dict.fromkeys(used) if self.shown[c]]))
                    if len(out) >= limit:
                        return out
            if out:
                if _DEBUG:
                    print(self.key, "closure round", r + 1, "sets", len(P), flush=True)
                return out
            if r == rounds - 1:
                break
            # no small set this round: every new difference is a known set of the next round
            smalls, bigs = _nested_pairs(P, order, n_atoms)
            if not len(bigs):
                break
            D = P[bigs] & ~P[smalls]
            allv = np.concatenate([P, D]).view(void).ravel()
            _, first = np.unique(allv, return_index=True)
            first = np.sort(first[first >= len(P)]) - len(P)  # new sets, first pair making each
            if not len(first):
                break
            new_sizes = sizes[bigs[first]] - sizes[smalls[first]]
            index.update(p.tobytes() for p in D[first][new_sizes < mc])
            P = np.concatenate([P, D[first]])
            cell = np.concatenate([cell, np.full(len(first), -1, dtype=np.int64)])
            p_big = np.concatenate([p_big, bigs[first]])
            p_small = np.concatenate([p_small, smalls[first]])
            sizes = np.concatenate([sizes, new_sizes])
        return []

    def _break_union(self, part: np.ndarray) -> None:
        """Hide a shown cell that the derivation of a small union uses."""
        shown, P, pinv = self._basis
        target = ((part.astype(float) @ P) > 0).astype(float)
        self._hide_from(pinv @ target, shown)

    def _hide_from(self, y: np.ndarray, shown: np.ndarray) -> None:
        """Hide the cheapest shown cell (respondents x weight) with a coefficient in a derivation ``y``.

        Cells of this family come first; when only fixed cells (decided by a
        parent family) are left, one of them is hidden and recorded in
        :attr:`unfixed`, so that the parent family hides it too.
        """
        cand = [int(shown[i]) for i in np.flatnonzero(np.abs(y) > 1e-7)]
        cand = [s for s in cand if self.shown[s]]
        if not cand:
            return
        own = [s for s in cand if not self.fixed[s]]
        if not own:
            # only cells of a parent family: hide every group cell of this family in those selections
            views = {self.id_keys[s][: self.n_filter] for s in cand}
            for k, c in self.key_to_id.items():
                if k[: self.n_filter] in views and self.shown[c] and not self.fixed[c]:
                    self.hidden[c] = True
            return
        pick = min(own, key=lambda s: (int(self.n[s] * self.weight[s]), -self.spec[s], s))
        self.hidden[pick] = True

    def _line_rule(self, known: np.ndarray, act: bool = True) -> list[tuple[tuple, np.ndarray]]:
        """Hide the smallest shown child of every known line whose unknown part is small.

        Returns the unknown parts of lines that cannot be repaired this way
        (no shown child left) as new targets for a hypercube.
        """
        n = self.n
        stuck: list[tuple[tuple, np.ndarray]] = []
        while True:
            unknown = ~known
            s = self._lc @ (n * unknown)
            bad = np.flatnonzero(known[self._lt] & (s > 0) & (s < self.min_cell))
            acted = False
            for i in bad:
                children = self._lc.indices[self._lc.indptr[i] : self._lc.indptr[i + 1]]
                unk = [c for c in children if not known[c] and n[c] > 0]
                if not (0 < int(n[unk].sum()) < self.min_cell) or not self._sensitive[unk].any():
                    continue
                part = np.any(self.dense[unk].astype(bool), axis=0)
                open_ = [c for c in children if self.shown[c] and n[c] > 0 and not self.fixed[c]]
                if act and open_:
                    pick = min(open_, key=lambda c: (n[c], c))
                    self.hidden[pick] = True
                    known[pick] = False
                    acted = True
                else:
                    t = self._lt[i]
                    if not self.shown[t] and self._sensitive[t]:
                        continue  # the total is a small hidden cell that follows: repaired as a leak
                    if act and self.shown[t] and not self.fixed[t]:
                        self.hidden[t] = True  # no shown child left: hide the total instead
                        known[t] = False
                        acted = True
                        continue
                    stuck.append((self._union_key(unk), part))
            if not acted:
                return stuck

    def _union_key(self, ids: list[int]) -> tuple:
        """A key (labels or code sets per dimension) of the union of cells of one line."""
        keys = [self.id_keys[c] for c in ids]
        out = []
        for di in range(len(self.dims)):
            labs = {k[di] for k in keys}
            if len(labs) == 1:
                out.append(next(iter(labs)))
            else:
                codes: set = set()
                for lab in labs:
                    cs = self._codes_of(di, lab)
                    codes |= set(self._present[self.names[di]]) if cs is None else set(cs)
                out.append(frozenset(codes))
        return tuple(out)

    def _covered(self, part: np.ndarray) -> bool:
        """True when a chosen hypercube changes the total of this set of atoms."""
        return any(int(part[a].astype(np.int64) @ sg) != 0 for a, sg in self.hypercubes)

    def _partners(self, di: int, label) -> list[str]:
        codes = self._codes_of(di, label)
        if codes is None:
            return []
        return [c for c in self._present[self.names[di]] if c not in codes]

    def _protect(self, targets: list[tuple[tuple, np.ndarray]]) -> set:
        """Give every target a hypercube (unless one chosen this round covers it); return the failures."""
        aidx = {tuple(v): i for i, v in enumerate(zip(*(self._codes[c] for c in self.names)))}
        failed = set()
        chosen: list[tuple[np.ndarray, np.ndarray]] = []
        for key_, part in targets:
            if not part.any() or any(int(part[a].astype(np.int64) @ sg) != 0 for a, sg in chosen):
                continue
            best = self._best_hypercube(key_, part, aidx)
            if best is None:
                failed.add(key_)
                continue
            corners, signs, hit = best
            self.hidden |= hit
            chosen.append((corners, signs))
            self.hypercubes.append((corners, signs))
        return failed

    def _corner_index(self, free: tuple[int, ...]) -> dict:
        """Atoms by their codes with the ``free`` dimensions left out (the largest atom first)."""
        cache = self.__dict__.setdefault("_corner_cache", {})
        idx = cache.get(free)
        if idx is None:
            idx = {}
            cols = [self._codes[c] for c in self.names]
            order = np.argsort(-self.atom_n, kind="stable")
            for a in order:
                k = tuple(None if i in free else cols[i][a] for i in range(len(cols)))
                idx.setdefault(k, int(a))
            cache[free] = idx
        return idx

    def _best_hypercube(self, key_: tuple, part: np.ndarray, aidx: dict, budget: int = 4000):
        """The cheapest valid hypercube for a sensitive set (None when there is none).

        Candidates: up to twelve atoms of the set as the base corner; every
        non-empty subset of the dimensions in which the set is specific;
        partner codes outside the set (the never-published empty code first,
        then codes whose finest cell is hidden already, then the smallest).
        A corner is an atom with the base's codes except the partner codes;
        in group dimensions the set does not fix, a corner may take any code
        (the changed cells are computed exactly from the atoms).  A candidate
        is valid when every corner is a non-empty atom, the alternating sum
        over the set is not 0, and no cell it must hide is fixed or
        national.  Cost: respondents in newly hidden cells, weighted by 4 per
        filter at "all" (hiding a national or institution figure costs more
        than hiding a detailed one).
        """
        n_atom = self.atom_n
        specific = [i for i, lab in enumerate(key_) if lab != ALL and self._partners(i, lab)]
        free = tuple(i for i in range(self.n_filter, len(self.dims)) if key_[i] == ALL)
        cidx = self._corner_index(free)

        def atom_of(codes: list) -> int | None:
            j = aidx.get(tuple(codes))  # the same codes as the base where possible
            if j is None:
                j = cidx.get(tuple(None if i in free else c for i, c in enumerate(codes)))
            return j

        atoms = np.flatnonzero(part)
        atoms = atoms[np.argsort(-n_atom[atoms], kind="stable")][:12]
        bases = []
        seen = set()
        for a in atoms:
            b = tuple(None if i in free else self._codes[c][a] for i, c in enumerate(self.names))
            if b not in seen:
                seen.add(b)
                bases.append([self._codes[c][a] for c in self.names])
        shown_n = np.where(self.shown, self.n * self.weight, 0)
        best = None
        tried = 0
        for size in range(len(specific), 0, -1):
            for base in bases:
                for dims_ in itertools.combinations(specific, size):
                    options = []
                    for i in dims_:
                        scored = []
                        for c in self._partners(i, key_[i]):
                            alt = list(base)
                            alt[i] = c
                            j = atom_of(alt)
                            if j is not None:
                                cid = self.key_to_id.get(self._single_key(base, i, c))
                                hid = cid is not None and not self.shown[cid]
                                scored.append((0 if c == EMPTY else 1, 0 if hid else 1, n_atom[j], c))
                        scored.sort()
                        options.append([s[-1] for s in scored[:8]])
                    if any(not o for o in options):
                        continue
                    for choice in itertools.product(*options):
                        if tried >= budget and best is not None:
                            return best[1], best[2], best[3]
                        tried += 1
                        corners, signs = [], []
                        for bits in itertools.product((0, 1), repeat=size):
                            alt = list(base)
                            for bit, i, c in zip(bits, dims_, choice):
                                if bit:
                                    alt[i] = c
                            j = atom_of(alt)
                            if j is None:
                                break
                            corners.append(j)
                            signs.append(-1 if sum(bits) % 2 else 1)
                        else:
                            ca = np.array(corners)
                            sa = np.array(signs, dtype=np.int64)
                            if len(set(corners)) < len(corners) or int(part[ca].astype(np.int64) @ sa) == 0:
                                continue
                            hit = ((self.dense[:, ca].astype(np.int64) @ sa) != 0) & self.published
                            if (hit & self.shown & (self.fixed | self.national)).any():
                                continue
                            cost = int(shown_n[hit].sum())
                            if best is None or cost < best[0]:
                                best = (cost, ca, sa, hit)
        if best is None:
            return None
        return best[1], best[2], best[3]

    def _single_key(self, base: list, i: int, code: str) -> tuple:
        """The key of the finest published cell of an atom with one code changed."""
        key_ = []
        for di, c in enumerate(base):
            c = code if di == i else c
            key_.append(c if c in self.dims[di].selections else ALL)
        return tuple(key_)

    def _derivable(self) -> np.ndarray:
        """Which cells (by id) have totals that follow from the shown cells (exact linear algebra)."""
        known = self.shown | (self.n == 0)
        shown = np.flatnonzero(self.shown & (self.n > 0))
        if not len(shown):
            n_atoms = self.dense.shape[1]
            self._basis = (shown, np.zeros((n_atoms, 0)), np.zeros((0, 0)))  # nothing shown: nothing follows
            return known
        S = self.dense[shown]
        # atoms no shown cell tells apart are one class
        _, cls = np.unique(S.T, axis=0, return_inverse=True)
        cls = cls.ravel()
        k = int(cls.max()) + 1
        P = np.zeros((S.shape[1], k))
        P[np.arange(S.shape[1]), cls] = 1.0
        R = (S @ P > 0).astype(float)
        # row space of the shown cells (in class space) from the Gram matrix: R^T R = V diag(lam) V^T
        lam, vec = np.linalg.eigh(R.T @ R)
        keep = lam > 1e-9 * max(1.0, float(lam.max()))
        Q = vec[:, keep]
        others = np.flatnonzero(~known)
        if len(others):
            H = self.dense[others] @ P
            sizes = P.sum(axis=0)
            whole = np.all((H == 0) | (H == sizes[None, :]), axis=1)
            Hn = (H > 0).astype(float)
            resid = Hn - (Hn @ Q) @ Q.T
            known[others[whole & (np.abs(resid).max(axis=1) < 1e-7)]] = True
        self._basis = (shown, P, R @ (Q / lam[keep]) @ Q.T)  # minimum-norm combination: y = pinv x
        return known

    def _residuals(self) -> np.ndarray:
        """Every cell's atom vector minus its projection on the row space of the shown cells.

        A cell's total follows from the shown cells exactly when its residual
        is 0 (:meth:`_in_span`).  The basis of the row space comes from a
        singular value decomposition of the shown cells' rows.
        """
        D = self.dense.astype(np.float64)
        shown = np.flatnonzero(self.shown & (self.n > 0))
        if not len(shown):
            return D
        _, s, vt = np.linalg.svd(D[shown], full_matrices=False)
        keep = s > s.max() * max(D.shape) * np.finfo(np.float64).eps * 16
        Q = vt[keep].T
        return D - (D @ Q) @ Q.T

    @staticmethod
    def _add_direction(resid: np.ndarray, c: int) -> np.ndarray:
        """Residuals after cell ``c`` is shown too (rank-one update; unchanged when ``c`` follows already)."""
        r = resid[c]
        norm = float(np.sqrt(r @ r))
        if norm < 1e-7:
            return resid
        q = r / norm
        return resid - np.outer(resid @ q, q)

    @staticmethod
    def _in_span(resid: np.ndarray) -> np.ndarray:
        """Cells whose totals follow from the shown cells (residual 0)."""
        if not resid.shape[1]:
            return np.ones(resid.shape[0], dtype=bool)
        return np.abs(resid).max(axis=1) < 1e-7

    def _break_derivations(self, leaks: np.ndarray) -> None:
        """Hide, for each sensitive cell whose total follows, a shown cell its derivation uses."""
        shown, P, pinv = self._basis
        for c in leaks:
            target = ((self.dense[c] @ P) > 0).astype(float)
            self._hide_from(pinv @ target, shown)

    # ------------------------------------------------------------------ reading

    def cell(self, key_: tuple) -> tuple[int, str]:
        """``(n, status)`` of a published cell; status: shown, small, protects or empty."""
        cid = self.key_to_id[tuple(key_)]
        n = int(self.n[cid])
        if n == 0:
            # an empty cell shows 0, unless a parent family hides its whole selection
            return (0, PROTECTS) if self.hidden[cid] else (0, EMPTY_CELL)
        if not self.hidden[cid]:
            return n, SHOWN
        return n, SMALL if n < self.min_cell else PROTECTS

    def table(self) -> pd.DataFrame:
        """Every published cell with its decision (one row per cell key)."""
        recs = [(*k, *self.cell(k)) for k in self.key_to_id]
        return pd.DataFrame(recs, columns=[*self.names, "n", "status"])


def _pack_rows(rows: np.ndarray) -> np.ndarray:
    """Boolean rows as rows of 64-bit words (bit sets; equal rows give equal words)."""
    b = np.packbits(rows, axis=1)
    pad = -b.shape[1] % 8
    if pad or not b.shape[1]:
        b = np.concatenate([b, np.zeros((len(b), pad or 8), dtype=np.uint8)], axis=1)
    return np.ascontiguousarray(b).view("<u8")


def _small_differences(P: np.ndarray, sizes: np.ndarray, heavy: np.ndarray, mc: int, chunk: int = 1 << 21):
    """Every pair ``(small, big)`` of sets (rows of bits) with ``small`` inside ``big`` and
    ``0 < size(big) - size(small) < mc``, in no particular order.

    Such a difference holds no atom of ``mc`` respondents or more (``heavy``),
    so both sets have the same heavy atoms: the sets are sorted by (heavy
    atoms, size) and each is tested only against the sets after it in its
    group whose size is less than ``mc`` larger (bit operations, ``chunk``
    pairs at a time).
    """
    if not len(P):
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    H = np.ascontiguousarray(P & heavy[None, :])
    _, group = np.unique(H.view(np.dtype((np.void, H.shape[1] * 8))).ravel(), return_inverse=True)
    group = group.ravel().astype(np.int64)
    srt = np.lexsort((sizes, group))
    comb = group[srt] * (int(sizes.max()) + mc + 1) + sizes[srt]
    lo = np.searchsorted(comb, comb, side="right")  # a larger set of the group (equal sizes: not nested)
    hi = np.searchsorted(comb, comb + mc, side="left")
    cnt = np.maximum(hi - lo, 0)
    ends = np.cumsum(cnt)
    out_s, out_b = [], []
    t0 = 0
    while t0 < len(srt):
        base = ends[t0 - 1] if t0 else 0
        t1 = max(t0 + 1, int(np.searchsorted(ends, base + chunk, side="right")))
        c = cnt[t0:t1]
        total = int(c.sum())
        if total:
            a = np.repeat(np.arange(t0, t1), c)
            start = np.cumsum(c) - c
            b = np.repeat(lo[t0:t1] - start, c) + np.arange(total)
            xs, ys = srt[a], srt[b]
            inside = ~(P[xs] & ~P[ys]).any(axis=1)
            out_s.append(xs[inside])
            out_b.append(ys[inside])
        t0 = t1
    if not out_s:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return np.concatenate(out_s), np.concatenate(out_b)


def _nested_pairs(P: np.ndarray, order: np.ndarray, n_atoms: int, step: int = 512):
    """Every pair ``(small, big)`` of sets with ``small`` inside ``big`` (distinct sets), in the order of a
    double loop over ``order`` (sets by size: small, then big); one matrix product per block of rows."""
    M = np.unpackbits(P[order].view(np.uint8), axis=1, count=n_atoms).astype(np.float32)
    cnt = M.sum(axis=1)
    s = len(order)
    smalls, bigs = [], []
    for i0 in range(0, s, step):
        i1 = min(s, i0 + step)
        if i0 + 1 >= s:
            break
        sub = (M[i0:i1] @ M[i0 + 1 :].T) == cnt[i0:i1, None]  # atoms in common == atoms of the row set (exact)
        sub &= np.arange(i0 + 1, s)[None, :] > np.arange(i0, i1)[:, None]
        a, b = np.nonzero(sub)
        if len(a):
            smalls.append(order[i0 + a])
            bigs.append(order[i0 + 1 + b])
    if not smalls:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return np.concatenate(smalls), np.concatenate(bigs)
