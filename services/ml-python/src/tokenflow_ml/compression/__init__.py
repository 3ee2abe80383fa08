"""Word-level prompt compression: methods score words, one budgeted threshold keeps the best."""

from tokenflow_ml.compression.compress import (
    CompressedText,
    CompressionResult,
    WordScorer,
    compress_text,
    compress_texts,
)
from tokenflow_ml.compression.preserve import PRESERVE_KINDS

__all__ = [
    "PRESERVE_KINDS",
    "CompressedText",
    "CompressionResult",
    "WordScorer",
    "compress_text",
    "compress_texts",
]
