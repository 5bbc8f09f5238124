"""Benchmarks: figures and targets side by side. Run `python -m benchmarks [NAME ...]`."""
