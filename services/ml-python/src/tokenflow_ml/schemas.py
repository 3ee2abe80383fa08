"""Request and response models; their names are the schema names in openapi.json."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from tokenflow_ml.compression import PRESERVE_KINDS

PreserveKind = Literal["code", "json", "numbers", "identifiers", "entities", "urls"]
assert set(PreserveKind.__args__) == set(PRESERVE_KINDS)  # type: ignore[attr-defined]


CompressionMethodName = Literal["encoder", "llmlingua2", "llmlingua"]


class CompressOptions(BaseModel):
    """What every compression request can say, whatever it compresses."""

    model_config = ConfigDict(extra="forbid")

    ratio: float = Field(
        0.5, gt=0, le=1, description="Fraction of tokens to keep (cl100k_base tokens)."
    )
    target_tokens: int | None = Field(
        None, ge=1, description="Token budget; overrides `ratio` when given."
    )
    method: CompressionMethodName | None = Field(
        None, description="Compression method; the configured default when omitted."
    )
    force_tokens: list[Annotated[str, Field(min_length=1, max_length=200)]] = Field(
        default_factory=list,
        max_length=100,
        description="Strings kept verbatim wherever they occur.",
    )
    preserve: list[PreserveKind] | None = Field(
        None,
        description="Kinds of spans kept verbatim; the configured default "
        "(ML_COMPRESSION_DEFAULT_PRESERVE) when omitted, none when empty.",
    )
    question: str | None = Field(
        None,
        max_length=4000,
        description="A question the compressed text must still answer: its words and the "
        "sentences holding them are kept first, and the question itself verbatim.",
    )


class CompressRequest(CompressOptions):
    text: str = Field(min_length=1, description="Text to compress.")

    @field_validator("text")
    @classmethod
    def text_not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("text must not be empty or whitespace only")
        return value


class TextSegment(BaseModel):
    text: str
    kept: bool


class CompressResponse(BaseModel):
    original_text: str
    compressed_text: str
    original_tokens: int = Field(description="Tokens of the original text (tiktoken cl100k_base).")
    compressed_tokens: int = Field(description="Tokens of the compressed text (cl100k_base).")
    compression_ratio: float = Field(description="compressed_tokens / original_tokens.")
    method: str
    model: str
    latency_ms: float
    tokenizer: str = "cl100k_base"
    segments: list[TextSegment] = Field(
        description="The original text in word runs, each marked kept or removed."
    )


class CompressMessage(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: Literal["system", "developer", "user", "assistant", "tool"]
    content: str = Field(max_length=200_000)
    compress: bool | None = Field(
        None,
        description="Whether this message may be compressed. Default: system and developer "
        "messages and the latest user message are kept, the others compressed.",
    )


class CompressMessagesRequest(CompressOptions):
    messages: list[CompressMessage] = Field(min_length=1, max_length=1000)


class CompressedMessage(BaseModel):
    role: str
    content: str
    compressed: bool = Field(description="Whether this message was open to compression.")
    original_tokens: int
    compressed_tokens: int


class CompressMessagesResponse(BaseModel):
    messages: list[CompressedMessage]
    original_tokens: int = Field(description="Tokens of all messages' contents (cl100k_base).")
    compressed_tokens: int
    compression_ratio: float
    method: str
    model: str
    latency_ms: float
    tokenizer: str = "cl100k_base"
    question: str | None = Field(description="The question the compression kept in view.")


class ClassifyRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    prompt: str = Field(min_length=1)
    possible_categories: list[Annotated[str, Field(min_length=1, max_length=100)]] = Field(
        min_length=1, max_length=50
    )
    multi_label: bool = False
    descriptions: dict[str, list[Annotated[str, Field(min_length=1)]]] | None = Field(
        None, description="Per category, description/example texts the embedding backend uses."
    )

    @field_validator("prompt")
    @classmethod
    def prompt_not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("prompt must not be empty or whitespace only")
        return value

    @field_validator("possible_categories")
    @classmethod
    def categories_unique(cls, value: list[str]) -> list[str]:
        if any(not c.strip() for c in value):
            raise ValueError("categories must not be blank")
        duplicates = sorted({c for c in value if value.count(c) > 1})
        if duplicates:
            raise ValueError(f"duplicate categories: {', '.join(duplicates)}")
        return value


class CategoryScore(BaseModel):
    category: str
    score: float


class ClassifyResponse(BaseModel):
    top_category: str
    confidence_score: float
    all_categories: list[CategoryScore] = Field(description="Sorted by score, highest first.")
    model: str
    method: str = Field(
        description="'embedding-head': the trained head decided (every category had examples); "
        "'embedding': zero-shot similarity with the descriptions; 'nli': the hub NLI pipeline."
    )
    calibrated: bool = Field(
        description="Whether confidence_score is a calibrated probability (temperature-scaled "
        "on held-out folds of the training set), so that a threshold on it means what it says."
    )
    latency_ms: float


class CapabilityStatus(BaseModel):
    capability: str
    method: str
    model: str
    loaded: bool
    device: str
    load_seconds: float | None = None
    error: str | None = None


class ReadyResponse(BaseModel):
    ready: bool
    capabilities: list[CapabilityStatus]


class HealthResponse(BaseModel):
    status: Literal["ok"] = "ok"


class ErrorResponse(BaseModel):
    detail: str


class ValidationIssue(BaseModel):
    type: str
    loc: list[str | int]
    msg: str


class ValidationErrorResponse(BaseModel):
    """The 422 body outside /v1 (errors.py): one readable line, and pydantic's errors."""

    detail: str
    errors: list[ValidationIssue]


# --- OpenAI-compatible chat completions -------------------------------------------------------


class ChatMessage(BaseModel):
    role: Literal["system", "user", "assistant", "developer", "tool"]
    content: str | list[dict[str, object]] | None = None
    name: str | None = None


class ChatStreamOptions(BaseModel):
    include_usage: bool | None = None


class ChatCompletionRequest(BaseModel):
    model_config = ConfigDict(extra="allow")

    model: str
    messages: list[ChatMessage] = Field(min_length=1)
    stream: bool = False
    stream_options: ChatStreamOptions | None = None
    temperature: float | None = Field(None, ge=0, le=2)
    top_p: float | None = Field(None, gt=0, le=1)
    max_tokens: int | None = Field(None, ge=1)
    max_completion_tokens: int | None = Field(None, ge=1)
    stop: str | list[str] | None = None
    seed: int | None = None
    n: int | None = Field(None, ge=1, le=1)


class ChatCompletionMessage(BaseModel):
    role: Literal["assistant"] = "assistant"
    content: str | None


class ChatCompletionChoice(BaseModel):
    index: int
    message: ChatCompletionMessage
    finish_reason: Literal["stop", "length"] | None
    logprobs: None = None


class CompletionUsage(BaseModel):
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int


class ChatCompletion(BaseModel):
    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    model: str
    choices: list[ChatCompletionChoice]
    usage: CompletionUsage
    system_fingerprint: str | None = None


class ChatCompletionChunkDelta(BaseModel):
    role: Literal["assistant"] | None = None
    content: str | None = None


class ChatCompletionChunkChoice(BaseModel):
    index: int
    delta: ChatCompletionChunkDelta
    finish_reason: Literal["stop", "length"] | None = None
    logprobs: None = None


class ChatCompletionChunk(BaseModel):
    id: str
    object: Literal["chat.completion.chunk"] = "chat.completion.chunk"
    created: int
    model: str
    choices: list[ChatCompletionChunkChoice]
    usage: CompletionUsage | None = None
    system_fingerprint: str | None = None


class ChatCompletionEvent(BaseModel):
    """One event of the streamed chat answer as an SSE client reads it (OpenAPI 3.1 has a
    text/event-stream `schema` describe each event)."""

    data: str = Field(
        description="A ChatCompletionChunk as JSON, an OpenAI error object as JSON, or `[DONE]`"
    )
    event: str | None = None
    id: str | None = None


class ModelCard(BaseModel):
    id: str
    object: Literal["model"] = "model"
    created: int
    owned_by: str = "tokenflow"


class ModelList(BaseModel):
    object: Literal["list"] = "list"
    data: list[ModelCard]


class OpenAIError(BaseModel):
    message: str
    type: str
    code: str | None = None
    param: str | None = None


class OpenAIErrorResponse(BaseModel):
    error: OpenAIError
