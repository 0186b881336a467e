"""Evaluation: score extraction against gold files (the contract in shared/gold/README.md)."""

from khabar.eval.gold import evaluate_files, load_gold, score

__all__ = ["evaluate_files", "load_gold", "score"]
