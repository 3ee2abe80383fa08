"""OpenAI-compatible /v1/chat/completions and /v1/models for the local model.

Streaming sends `chat.completion.chunk` SSE events, a final chunk with finish_reason, usage in the
last chunk, then `data: [DONE]`. A client that goes away cancels the generation worker.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import AsyncExitStack

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import StreamingResponse

from tokenflow_ml.deadline import WorkStopped
from tokenflow_ml.deps import DeadlineDep, ServicesDep
from tokenflow_ml.errors import ensure_within_limit
from tokenflow_ml.generation import ChatGenerator, FinishReason, GenerationParams, GenerationRun
from tokenflow_ml.schemas import (
    ChatCompletion,
    ChatCompletionChoice,
    ChatCompletionChunk,
    ChatCompletionChunkChoice,
    ChatCompletionChunkDelta,
    ChatCompletionMessage,
    ChatCompletionRequest,
    CompletionUsage,
    ModelCard,
    ModelList,
    OpenAIErrorResponse,
)
from tokenflow_ml.worker import run_in_worker

router = APIRouter(prefix="/v1", tags=["chat"])
log = logging.getLogger("tokenflow_ml.chat")
STARTED_AT = int(time.time())

ERRORS: dict[int | str, dict[str, object]] = {
    400: {"model": OpenAIErrorResponse, "description": "Invalid request"},
    404: {"model": OpenAIErrorResponse, "description": "Unknown model"},
    503: {"model": OpenAIErrorResponse, "description": "Model unavailable or saturated"},
    504: {"model": OpenAIErrorResponse, "description": "Stopped at the request's deadline"},
}


@router.get("/models", response_model=ModelList, operation_id="listModels")
async def list_models(services: ServicesDep) -> ModelList:
    s = services.settings
    return ModelList(
        data=[ModelCard(id=s.generation_model_id, created=STARTED_AT)]
        if s.enable_generation
        else []
    )


def _text(content: object) -> str:
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    parts = [p.get("text", "") for p in content if isinstance(p, dict) and p.get("type") == "text"]  # type: ignore[attr-defined]
    return "".join(str(p) for p in parts)


class StopMatcher:
    """Cuts the stream at the first stop string, holding back text that might start one."""

    def __init__(self, stops: list[str]) -> None:
        self.stops = [s for s in stops if s]
        self.hold = max((len(s) for s in self.stops), default=1) - 1
        self.buffer = ""
        self.stopped = False

    def feed(self, piece: str) -> str:
        self.buffer += piece
        for stop in self.stops:
            idx = self.buffer.find(stop)
            if idx >= 0:
                out, self.buffer, self.stopped = self.buffer[:idx], "", True
                return out
        cut = len(self.buffer) - self.hold if self.hold else len(self.buffer)
        out, self.buffer = self.buffer[: max(cut, 0)], self.buffer[max(cut, 0) :]
        return out

    def flush(self) -> str:
        out, self.buffer = self.buffer, ""
        return out


@router.post(
    "/chat/completions",
    response_model=ChatCompletion,
    responses={
        **ERRORS,
        200: {
            "description": "A chat completion, or an SSE stream of ChatCompletionChunk when stream=true",
            "content": {
                "text/event-stream": {
                    "schema": {"$ref": "#/components/schemas/ChatCompletionEvent"}
                }
            },
        },
    },
    operation_id="createChatCompletion",
)
async def chat_completions(
    body: ChatCompletionRequest, request: Request, services: ServicesDep, deadline: DeadlineDep
) -> ChatCompletion | StreamingResponse:
    s = services.settings
    cap = services.registry.capabilities.get("generation:local")
    known = {s.generation_model_id} | ({cap.model} if cap else set())
    if body.model not in known:
        raise HTTPException(404, f"model: {body.model!r} not found; available: {sorted(known)}")
    generator: ChatGenerator = services.registry.get("generation", "local")
    messages = [
        {"role": m.role if m.role != "developer" else "system", "content": _text(m.content)}
        for m in body.messages
    ]
    ensure_within_limit("messages", sum(len(m["content"]) for m in messages), s.max_text_chars)
    max_tokens = min(
        body.max_completion_tokens or body.max_tokens or s.generation_max_tokens,
        s.generation_max_tokens,
    )
    stops = [body.stop] if isinstance(body.stop, str) else list(body.stop or [])
    params = GenerationParams(
        max_tokens=max_tokens,
        temperature=body.temperature,
        top_p=body.top_p,
        seed=body.seed,
        stop=stops,
    )
    if s.log_prompts:
        log.info("chat input", extra={"messages": messages})
    completion_id = f"chatcmpl-{uuid.uuid4().hex}"
    created = int(time.time())

    stack = AsyncExitStack()
    await stack.enter_async_context(services.admitted("generation", generator.model_name, deadline))
    try:
        run, pieces = await asyncio.to_thread(generator.stream, messages, params, deadline)
    except BaseException:
        await stack.aclose()
        raise
    matcher = StopMatcher(stops)

    if not body.stream:
        try:
            # Its own thread, awaited to the end: a client that leaves stops the generation
            # (through the deadline) and the slot frees only once it has stopped.
            text = await run_in_worker(deadline, "chat-collect", _collect, run, pieces, matcher)
        finally:
            await stack.aclose()
        if run.error is not None:
            raise run.error
        finish: FinishReason = "stop" if matcher.stopped else run.finish_reason
        return ChatCompletion(
            id=completion_id,
            created=created,
            model=body.model,
            choices=[
                ChatCompletionChoice(
                    index=0, message=ChatCompletionMessage(content=text), finish_reason=finish
                )
            ],  # type: ignore[arg-type]
            usage=CompletionUsage(
                prompt_tokens=run.prompt_tokens,
                completion_tokens=run.completion_tokens,
                total_tokens=run.prompt_tokens + run.completion_tokens,
            ),
        )

    include_usage = bool(body.stream_options and body.stream_options.include_usage)
    return StreamingResponse(
        _sse(
            run, pieces, matcher, stack, request, completion_id, created, body.model, include_usage
        ),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


def _collect(run: GenerationRun, pieces: Iterator[str], matcher: StopMatcher) -> str:
    out = []
    for piece in pieces:
        out.append(matcher.feed(piece))
        if matcher.stopped:
            run.cancel.set()
            break
    out.append("" if matcher.stopped else matcher.flush())
    run.done.wait(timeout=300)  # the worker finishes (or stops at the flag) and counts tokens
    return "".join(out)


def _event(chunk: ChatCompletionChunk) -> str:
    return f"data: {chunk.model_dump_json(exclude_none=False)}\n\n"


async def _sse(
    run: GenerationRun,
    pieces: Iterator[str],
    matcher: StopMatcher,
    stack: AsyncExitStack,
    request: Request,
    completion_id: str,
    created: int,
    model: str,
    include_usage: bool,
) -> AsyncIterator[str]:
    def chunk(
        delta: ChatCompletionChunkDelta,
        finish: FinishReason | None = None,
        usage: CompletionUsage | None = None,
        choices: bool = True,
    ) -> ChatCompletionChunk:
        return ChatCompletionChunk(
            id=completion_id,
            created=created,
            model=model,
            choices=[ChatCompletionChunkChoice(index=0, delta=delta, finish_reason=finish)]
            if choices
            else [],  # type: ignore[arg-type]
            usage=usage,
        )

    try:
        yield _event(chunk(ChatCompletionChunkDelta(role="assistant", content="")))
        while True:
            piece = await asyncio.to_thread(next, pieces, None)
            if piece is None:
                break
            if await request.is_disconnected():
                break
            text = matcher.feed(piece)
            if text:
                yield _event(chunk(ChatCompletionChunkDelta(content=text)))
            if matcher.stopped:
                run.cancel.set()
                break
        if await request.is_disconnected():
            return
        rest = matcher.flush() if not matcher.stopped else ""
        if rest:
            yield _event(chunk(ChatCompletionChunkDelta(content=rest)))
        await asyncio.to_thread(run.done.wait, 300)
        if run.error is not None:
            stopped = isinstance(run.error, WorkStopped)
            err = {
                "error": {
                    "message": str(run.error),
                    "type": "timeout_error" if stopped else "server_error",
                    "code": "deadline_exceeded" if stopped else "generation_failed",
                }
            }
            yield f"data: {json.dumps(err)}\n\n"
            return
        usage = CompletionUsage(
            prompt_tokens=run.prompt_tokens,
            completion_tokens=run.completion_tokens,
            total_tokens=run.prompt_tokens + run.completion_tokens,
        )
        finish: FinishReason = "stop" if matcher.stopped else run.finish_reason
        if include_usage:
            yield _event(chunk(ChatCompletionChunkDelta(), finish))
            yield _event(chunk(ChatCompletionChunkDelta(), usage=usage, choices=False))
        else:
            yield _event(chunk(ChatCompletionChunkDelta(), finish, usage=usage))
        yield "data: [DONE]\n\n"
    finally:
        # Runs on normal end, on disconnect (generator cancelled/closed) and on errors alike.
        run.cancel.set()
        await stack.aclose()
