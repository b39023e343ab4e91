"""Training: the pure-Python loop (``loop``), the ``Trainer`` contract (``trainer``), and its
Qt adapters and factory (``worker``, the only Qt module; ``make_trainer`` lives there)."""
