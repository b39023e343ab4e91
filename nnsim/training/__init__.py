"""Training: the pure-Python loop and its Qt worker adapter (Qt only in worker.py)."""
