"""Offline training of the encoder method's keep head (corpus, teacher labels, fit)."""
