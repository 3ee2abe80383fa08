"""The keep/drop head of the encoder method: a small MLP over each word's pooled encoder state
and its surface shape (digits, case, punctuation, position), which an uncased encoder cannot see.

Trained by `python -m tokenflow_ml.training.train_keep_head`; the weights and the settings they
were trained with (encoder depth, window, quantisation) ship beside this file.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import load_file, save_file

HEAD_DIR = Path(__file__).parent / "keep_head"

SHAPE_FEATURES = (
    "has_digit", "numeric", "capitalized", "all_caps", "mid_sentence_capital", "punctuation",
    "sentence_end", "line_start", "non_ascii", "chars", "pieces",
)  # fmt: skip
# "Only digits, punctuation and symbols, at least one digit", as two linear checks (the single
# pattern `[\W\d_]*\d[\W\d_]*` backtracks quadratically on a long digit run ending otherwise).
_NUMERIC_CHARS = re.compile(r"[\W\d_]+")
_DIGIT = re.compile(r"\d")
_PUNCT = re.compile(r"[\W_]+")


@dataclass
class HeadConfig:
    encoder: str
    layers: int
    window: int
    quantized: bool
    hidden: int
    width: int
    shape_features: list[str] = field(default_factory=lambda: list(SHAPE_FEATURES))
    training: dict[str, object] = field(default_factory=dict)


class KeepHead(torch.nn.Module):
    def __init__(self, config: HeadConfig) -> None:
        super().__init__()
        self.config = config
        inputs = config.hidden + len(config.shape_features)
        self.net = torch.nn.Sequential(
            torch.nn.Linear(inputs, config.width), torch.nn.GELU(), torch.nn.Linear(config.width, 1)
        )

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        return self.net(features).squeeze(-1)  # type: ignore[no-any-return]


def save_head(head: KeepHead, directory: Path = HEAD_DIR) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    save_file(
        {k: v.contiguous() for k, v in head.state_dict().items()}, directory / "head.safetensors"
    )
    (directory / "config.json").write_text(json.dumps(asdict(head.config), indent=2) + "\n")


def load_head(directory: Path = HEAD_DIR) -> KeepHead:
    config = HeadConfig(**json.loads((directory / "config.json").read_text()))
    head = KeepHead(config)
    head.load_state_dict(load_file(directory / "head.safetensors"))
    head.eval()
    return head


def shape_features(text: str, spans: np.ndarray, pieces: np.ndarray) -> np.ndarray:
    """(words, len(SHAPE_FEATURES)) surface features of each word, in [0, ~1]."""
    rows = np.zeros((len(spans), len(SHAPE_FEATURES)), dtype=np.float32)
    prev_end = 0
    prev_word = ""
    for i, (s, e) in enumerate(spans.tolist()):
        word = text[s:e]
        gap = text[prev_end:s]
        line_start = i == 0 or "\n" in gap
        sentence_start = line_start or prev_word.endswith((".", "!", "?", ":"))
        first = word[0]
        letters = [c for c in word if c.isalpha()]
        rows[i] = (
            any(c.isdigit() for c in word),
            bool(_NUMERIC_CHARS.fullmatch(word) and _DIGIT.search(word)),
            first.isupper(),
            len(letters) > 1 and all(c.isupper() for c in letters),
            first.isupper() and not sentence_start,
            bool(_PUNCT.fullmatch(word)),
            word.endswith((".", "!", "?", ";", ":")),
            line_start,
            any(ord(c) > 127 for c in word),
            math.log1p(len(word)) / 4,
            math.log1p(float(pieces[i])) / 3,
        )
        prev_end, prev_word = e, word
    return rows
