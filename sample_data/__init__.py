"""Calibrated synthetic sample data (``round_id = demo-synthetisch-2025``)."""
from .generator import generate, write_sample

__all__ = ["generate", "write_sample"]
