"""`python -m tokenflow_ml.training.train_keep_head`: distil the encoder method's keep head.

Teacher: SmolLM2-135M's self-information per word (the llmlingua method's scores). Student: a
small MLP over the first layers of all-MiniLM-L6-v2 (int8) and word-shape features, fitted to the
teacher's per-passage standardised log-surprisal. Every step is seeded; the corpus comes from
Debian packages (training.corpus). Teacher scores and features are cached under ML_DATA_DIR, so
a re-fit with other head settings costs seconds.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import time
from pathlib import Path

import numpy as np
import torch

from tokenflow_ml.compression.encoder_scorer import KeepHeadScorer, build_encoder
from tokenflow_ml.compression.keep_head import HEAD_DIR, HeadConfig, KeepHead, save_head
from tokenflow_ml.compression.surprisal_scorer import SurprisalScorer
from tokenflow_ml.compression.words import split_words
from tokenflow_ml.config import get_settings
from tokenflow_ml.training.corpus import DEBIAN_PACKAGES, PYTHON_DOCS, Passage, passages

VALIDATION_EVERY = 10  # every 10th passage is held out


def ensure_corpus_packages() -> None:
    if PYTHON_DOCS.exists() and shutil.which("man"):
        return
    print(f"installing the corpus packages: {' '.join(DEBIAN_PACKAGES)}", flush=True)
    subprocess.run(["apt-get", "install", "-y", "--no-install-recommends", *DEBIAN_PACKAGES],
                   check=True)  # fmt: skip


def teacher_targets(corpus: list[Passage], cache: Path) -> list[np.ndarray]:
    """Per passage and word: standardised log(1 + self-information in nats)."""
    key = hashlib.sha256("\0".join(p.text for p in corpus).encode()).hexdigest()[:16]
    path = cache / f"teacher-{key}.npz"
    if path.exists():
        data = np.load(path)
        return [data[f"arr_{i}"] for i in range(len(corpus))]
    from tokenflow_ml.causal_lm import load_causal_lm, resolve_dtype
    from tokenflow_ml.llmlingua_compat import CausalPromptCompressor

    settings = get_settings()
    lm = load_causal_lm(
        settings.llmlingua_model, settings.llmlingua_gguf_file, "cpu",
        resolve_dtype(settings.torch_dtype, "cpu"),
    )  # fmt: skip
    teacher = SurprisalScorer(CausalPromptCompressor(lm), lm.name)
    targets: list[np.ndarray] = []
    started = time.perf_counter()
    for i, passage in enumerate(corpus):
        raw = np.log1p(teacher.score(passage.text, split_words(passage.text)))
        targets.append(((raw - raw.mean()) / max(raw.std(), 1e-6)).astype(np.float32))
        if i % 50 == 0:
            print(f"teacher {i}/{len(corpus)} {time.perf_counter() - started:.0f} s", flush=True)
    cache.mkdir(parents=True, exist_ok=True)
    np.savez(path, *targets)
    return targets


def student_features(corpus: list[Passage], config: HeadConfig, model_dir: str) -> list[np.ndarray]:
    encoder, tokenizer = build_encoder(model_dir, config.layers, config.quantized)
    scorer = KeepHeadScorer(encoder, tokenizer, KeepHead(config), config.encoder)
    return [scorer.word_features(p.text, split_words(p.text)) for p in corpus]


def spearman(a: np.ndarray, b: np.ndarray) -> float:
    ra, rb = np.argsort(np.argsort(a)), np.argsort(np.argsort(b))
    return float(np.corrcoef(ra, rb)[0, 1]) if len(a) > 2 else 0.0


def top_half_agreement(pred: np.ndarray, target: np.ndarray) -> float:
    """Share of the teacher's top half of words that the student also ranks in its top half."""
    k = len(target) // 2
    if k == 0:
        return 1.0
    teacher_top = set(np.argsort(-target)[:k].tolist())
    return len(teacher_top & set(np.argsort(-pred)[:k].tolist())) / k


def fit(
    features: list[np.ndarray],
    targets: list[np.ndarray],
    config: HeadConfig,
    epochs: int,
    seed: int,
) -> tuple[KeepHead, dict[str, float]]:
    torch.manual_seed(seed)
    train = [i for i in range(len(features)) if i % VALIDATION_EVERY]
    val = [i for i in range(len(features)) if i % VALIDATION_EVERY == 0]
    x = torch.from_numpy(np.concatenate([features[i] for i in train]))
    y = torch.from_numpy(np.concatenate([targets[i] for i in train]))
    head = KeepHead(config)
    optimiser = torch.optim.AdamW(head.parameters(), lr=2e-3, weight_decay=1e-4)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimiser, epochs)
    generator = torch.Generator().manual_seed(seed)
    for epoch in range(epochs):
        head.train()
        order = torch.randperm(len(x), generator=generator)
        total = 0.0
        for b in range(0, len(x), 512):
            idx = order[b : b + 512]
            loss = torch.nn.functional.mse_loss(head(x[idx]), y[idx])
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            total += float(loss) * len(idx)
        schedule.step()
        if epoch % 5 == 4 or epoch == epochs - 1:
            print(f"epoch {epoch + 1}: train mse {total / len(x):.4f}", flush=True)
    head.eval()
    with torch.inference_mode():
        preds = [head(torch.from_numpy(features[i])).numpy() for i in val]
    metrics = {
        "validation_passages": len(val),
        "validation_spearman": round(float(np.mean([spearman(p, targets[i]) for p, i in zip(preds, val, strict=True)])), 4),
        "validation_top_half_agreement": round(float(np.mean([top_half_agreement(p, targets[i]) for p, i in zip(preds, val, strict=True)])), 4),
    }  # fmt: skip
    return head, metrics


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--per-source", type=int, default=40, help="files sampled per source")
    parser.add_argument("--per-document", type=int, default=3, help="passages per file")
    parser.add_argument("--layers", type=int, default=2, help="encoder layers the head reads")
    parser.add_argument("--window", type=int, default=256, help="encoder window in tokens")
    parser.add_argument("--width", type=int, default=64, help="hidden units of the head")
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--float32", action="store_true", help="no int8 quantisation")
    parser.add_argument("--out", type=Path, default=HEAD_DIR)
    args = parser.parse_args()

    settings = get_settings()
    settings.apply_environment()
    ensure_corpus_packages()
    from tokenflow_ml.loaders import embedding_model_dir

    corpus = passages(args.per_source, args.per_document, args.seed)
    print(f"corpus: {len(corpus)} passages, {sum(len(p.text.split()) for p in corpus)} words")
    targets = teacher_targets(corpus, settings.data_dir / "keep-head")
    config = HeadConfig(
        encoder="all-MiniLM-L6-v2", layers=args.layers, window=args.window,
        quantized=not args.float32, hidden=384, width=args.width,
    )  # fmt: skip
    features = student_features(corpus, config, embedding_model_dir(settings.embedding_model))
    head, metrics = fit(features, targets, config, args.epochs, args.seed)
    config.training = {
        "teacher": "SmolLM2-135M-Instruct.Q4_1 word self-information (log1p, standardised)",
        "corpus": sorted({p.source for p in corpus}),
        "passages": len(corpus),
        "words": int(sum(len(t) for t in targets)),
        "per_source": args.per_source,
        "per_document": args.per_document,
        "epochs": args.epochs,
        "seed": args.seed,
        **metrics,
    }
    save_head(head, args.out)
    print(json.dumps(config.training, indent=2))


if __name__ == "__main__":
    main()
