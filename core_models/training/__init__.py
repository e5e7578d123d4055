"""Training: configuration, the trainer and its events, metrics, checkpoints."""
