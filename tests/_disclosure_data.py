"""Seeded data sets for the disclosure tests (not a fixture module).

``audit_frame()``: synthetic responses (sample_data.generate, seeded) of five
institutions plus

* ``KLEIN``, an institution of 7 respondents with known grades
  (8, 5, 3, 2, 1, 5, 7, as in issue 9) and comments of its own;
* 5 parents of JBN without a measure type (empty measure_type).

Everything is synthetic.
"""

from __future__ import annotations

import uuid

import numpy as np
import pandas as pd

from analysis.frame import canonical_frame
from sample_data.generator import generate

SMALL_GI = "KLEIN"
SMALL_GRADES = (8, 5, 3, 2, 1, 5, 7)
SMALL_COMMENT = "Opmerking van KLEIN nummer {i}"


def _ids(rng: np.random.Generator, k: int) -> list[str]:
    return [str(uuid.UUID(bytes=rng.bytes(16), version=4)) for _ in range(k)]


def audit_frame(n: int = 400, seed: int = 9) -> pd.DataFrame:
    """The auditor's data set (see the module docstring)."""
    rng = np.random.default_rng(seed)
    df = generate(n=n, seed=seed)
    small = df.sample(len(SMALL_GRADES), random_state=seed).copy()
    small["gi"] = SMALL_GI
    small["grade"] = list(SMALL_GRADES)
    small["n_workers"] = [0, 1, 1, 2, 3, 4, 6]
    small["comment_grade"] = [SMALL_COMMENT.format(i=i) for i in range(len(small))]
    small["response_id"] = _ids(rng, len(small))
    parents = df[(df["gi"] == "JBN") & (df["respondent_type"] == "ouder")].head(5).copy()
    parents["measure_type"] = pd.NA
    parents["response_id"] = _ids(rng, len(parents))
    out = pd.concat([df, small, parents], ignore_index=True)
    return canonical_frame(out.sample(frac=1, random_state=seed).reset_index(drop=True))


def padded(df: pd.DataFrame, k: int = 3, seed: int = 10) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``df`` plus ``k`` rows in the small institution that an attacker knows; returns (data, known rows)."""
    rng = np.random.default_rng(seed)
    known = df[df["gi"] == SMALL_GI].head(k).copy()
    known["response_id"] = _ids(rng, k)
    known["grade"] = 10
    known["comment_grade"] = pd.NA
    return canonical_frame(pd.concat([df, known], ignore_index=True)), canonical_frame(known)
