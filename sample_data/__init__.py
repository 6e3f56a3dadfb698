"""Calibrated synthetic sample data (``round_id = demo-synthetisch-2025``).

``generate`` and ``write_sample`` live in :mod:`sample_data.generator`; they are
loaded lazily so ``python -m sample_data.generator`` runs without a warning.
"""

from __future__ import annotations

__all__ = ["generate", "write_sample"]


def __getattr__(name: str):
    if name in __all__:
        from . import generator

        return getattr(generator, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
