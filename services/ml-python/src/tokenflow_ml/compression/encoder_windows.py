"""Runs a bidirectional encoder over a long text in windows and pools its token outputs per word.

The fast tokenizer's offset mapping ties every sub-word token to the word it came from, so scores
are per input word whatever the tokenizer (WordPiece, SentencePiece); windows end on word
boundaries, and a word longer than a window is split. Only each word's first MAX_WORD_PIECES
tokens go through the encoder, and the deadline is checked before every batch of windows.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch

from tokenflow_ml.compression.words import first_pieces
from tokenflow_ml.deadline import check_deadline

# Windows run through the encoder at once.
BATCH_WINDOWS = 16

TokenFn = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]


def tokenize_words(
    tokenizer: object, text: str, spans: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Token ids of `text` (no special tokens, each word's first MAX_WORD_PIECES), per token the
    index of its word, and per word how many tokens it has in all."""
    encoded = tokenizer(  # type: ignore[operator]
        text, add_special_tokens=False, return_offsets_mapping=True,
        return_attention_mask=False, verbose=False,
    )  # fmt: skip
    ids = np.asarray(encoded["input_ids"], dtype=np.int64)
    offsets = np.asarray(encoded["offset_mapping"], dtype=np.int64).reshape(-1, 2)
    if len(ids) == 0 or len(spans) == 0:
        return ids, np.zeros(len(ids), dtype=np.int64), np.zeros(len(spans), dtype=np.int64)
    # The word holding the token's last character (byte-level BPE offsets may include the space).
    last_char = np.maximum(offsets[:, 1] - 1, offsets[:, 0])
    word_of = np.clip(np.searchsorted(spans[:, 0], last_char, side="right") - 1, 0, len(spans) - 1)
    pieces = np.bincount(word_of, minlength=len(spans))
    keep = first_pieces(word_of)
    return ids[keep], word_of[keep], pieces


def window_bounds(word_of: np.ndarray, size: int) -> list[tuple[int, int]]:
    """Token ranges of at most `size` tokens, each ending where a word ends when one can."""
    bounds: list[tuple[int, int]] = []
    start, n = 0, len(word_of)
    while start < n:
        end = min(start + size, n)
        if end < n:
            cut = end
            while cut > start + 1 and word_of[cut] == word_of[cut - 1]:
                cut -= 1
            end = cut if cut > start + 1 else end
        bounds.append((start, end))
        start = end
    return bounds


def run_windows(
    fn: TokenFn, ids: np.ndarray, word_of: np.ndarray, size: int, cls_id: int, sep_id: int,
    pad_id: int,
) -> torch.Tensor:  # fmt: skip
    """`fn(input_ids, attention_mask)` -> (batch, length, dim) over `[CLS] window [SEP]`
    windows; returns the per-token outputs (tokens, dim) in text order."""
    bounds = window_bounds(word_of, size - 2)
    outputs: list[torch.Tensor] = []
    for b in range(0, len(bounds), BATCH_WINDOWS):
        check_deadline()
        group = bounds[b : b + BATCH_WINDOWS]
        length = max(e - s for s, e in group) + 2
        batch = torch.full((len(group), length), pad_id, dtype=torch.long)
        mask = torch.zeros((len(group), length), dtype=torch.long)
        for row, (s, e) in enumerate(group):
            batch[row, 0] = cls_id
            batch[row, 1 : 1 + e - s] = torch.from_numpy(ids[s:e])
            batch[row, 1 + e - s] = sep_id
            mask[row, : e - s + 2] = 1
        with torch.inference_mode():
            out = fn(batch, mask)
        outputs.extend(out[row, 1 : 1 + e - s].float() for row, (s, e) in enumerate(group))
    return torch.cat(outputs) if outputs else torch.zeros((0, 1))


def pool_words(
    values: torch.Tensor, word_of: np.ndarray, n_words: int
) -> tuple[np.ndarray, np.ndarray]:
    """Mean of the token values per word, and each word's token count (0: the tokenizer dropped
    it, e.g. control characters; its row is zeros)."""
    dim = values.shape[1] if values.ndim == 2 else 1
    sums = torch.zeros((n_words, dim), dtype=torch.float32)
    index = torch.from_numpy(word_of)
    if len(word_of):
        sums.index_add_(0, index, values.reshape(len(word_of), dim))
    counts = np.bincount(word_of, minlength=n_words).astype(np.float32)
    means = sums.numpy() / np.maximum(counts, 1.0)[:, None]
    return means, counts
