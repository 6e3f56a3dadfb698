"""Benchmarks: `python -m benchmarks` (or `make benchmark`) prints a table of timings and peak memory."""
