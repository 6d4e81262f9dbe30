"""Eval harnesses (buyer behaviour, grader agreement) over small JSONL datasets in ``evals/data``."""
