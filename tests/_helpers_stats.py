"""Seeded random response frames that follow data contract v1 (for the statistics tests).

Not a fixture module: imported by test_stats, test_figures, test_report and
test_report_independent.  The frames have missing answers, skewed groups (so
some groups fall below min_cell after a filter) and the questionnaire's
routing (quality items and contact_one_on_one empty when n_workers == 0).
"""

from __future__ import annotations

import uuid

import numpy as np
import pandas as pd

from analysis import contract
from analysis.frame import canonical_frame

ROUTED = ("contact_one_on_one", *contract.QUALITY_ITEMS)


def random_frame(
    seed: int, n: int = 300, *, p_missing: float = 0.08, round_id: str = "ronde-test-2025"
) -> pd.DataFrame:
    """A valid canonical frame of ``n`` random responses (seeded numpy Generator)."""
    rng = np.random.default_rng(seed)
    data: dict[str, object] = {
        "response_id": [str(uuid.UUID(bytes=rng.bytes(16), version=4)) for _ in range(n)],
        "round_id": [round_id] * n,
        # skewed: WSS and JBW are small, so filters on them give tiny groups
        "gi": rng.choice(contract.GI_CODES, n, p=[0.35, 0.3, 0.25, 0.07, 0.03]),
        "respondent_type": rng.choice(["ouder", "jeugdige"], n, p=[0.78, 0.22]),
        "submitted_week": [f"2025-W{w:02d}" for w in rng.integers(1, 53, n)],
        # group "0" and "5" are small
        "n_workers": rng.choice(np.arange(7), n, p=[0.02, 0.22, 0.22, 0.15, 0.11, 0.05, 0.23]),
        "grade": rng.integers(1, 11, n),
    }
    for col, codes in contract.CODES.items():
        if col == "respondent_type":
            continue
        # uneven code probabilities so some categories are rare
        w = rng.dirichlet(np.ones(len(codes)) * 2)
        data[col] = rng.choice(np.array(codes, dtype=object), n, p=w)
    df = pd.DataFrame(data)
    item_cols = [c for c in contract.ITEM_COLUMNS if c in df.columns]
    for col in item_cols:
        miss = rng.random(n) < p_missing
        df[col] = df[col].astype(object).where(~miss, None)
    # routing: no worker yet -> the worker questions were not shown
    no_worker = df["n_workers"].astype(object).apply(lambda v: v is not None and int(v) == 0)
    for col in ROUTED:
        df[col] = df[col].where(~no_worker, None)
    return canonical_frame(df)


def records(df: pd.DataFrame) -> list[dict]:
    """The frame as plain dicts, ``None`` for missing (for the independent implementation)."""
    out = []
    for rec in df.astype(object).to_dict("records"):
        out.append(
            {k: (None if v is None or v is pd.NA or (isinstance(v, float) and v != v) else v) for k, v in rec.items()}
        )
    return out
