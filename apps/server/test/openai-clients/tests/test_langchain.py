"""LangChain's ChatOpenAI against the TokenFlow gateway: it rides on the openai SDK, so the
gateway's errors surface as the same openai exceptions."""

import json

import openai
import pytest
from langchain_core.messages import AIMessage, AIMessageChunk, HumanMessage, ToolMessage
from langchain_openai import ChatOpenAI

from conftest import WEATHER_TOOL, Gateway


def chat(gateway: Gateway, model: str, **kwargs: object) -> ChatOpenAI:
    # Without pydantic's mypy plugin the signature wants a SecretStr for api_key (a str is
    # validated into one) and cannot match **kwargs to fields: arg-type errors only to mypy.
    return ChatOpenAI(
        base_url=gateway.base_url,
        api_key=gateway.api_key,  # type: ignore[arg-type]
        model=model,
        max_retries=0,
        **kwargs,  # type: ignore[arg-type]
    )


def test_invoke_and_stream_give_the_fake_answer(gateway: Gateway) -> None:
    llm = chat(gateway, gateway.echo_model, stream_usage=True)
    answer = llm.invoke("alpha beta")
    assert answer.content == "Echo: alpha beta"
    assert answer.response_metadata["model_name"] == gateway.echo_model
    streamed: AIMessageChunk | None = None
    for part in llm.stream("alpha beta"):
        streamed = part if streamed is None else streamed + part
    assert streamed is not None and streamed.content == "Echo: alpha beta"
    assert streamed.usage_metadata is not None and streamed.usage_metadata["total_tokens"] > 0


def test_auto_routes_to_a_catalog_model(gateway: Gateway) -> None:
    llm = chat(gateway, "auto:balanced", extra_body=gateway.routed)
    answer = llm.invoke("route me")
    assert answer.content == "Echo: route me"
    assert answer.response_metadata["model_name"] in gateway.catalog_models


@pytest.mark.parametrize("streaming", [False, True])
def test_bind_tools_round_trip(gateway: Gateway, streaming: bool) -> None:
    tools = [dict(WEATHER_TOOL)]
    llm = chat(gateway, gateway.tool_call_model, streaming=streaming).bind_tools(tools)
    question = HumanMessage("weather in Paris?")
    first = llm.invoke([question])
    assert isinstance(first, AIMessage)
    assert len(first.tool_calls) == 1
    call = first.tool_calls[0]
    assert call["name"] == "get_weather"
    assert call["args"] == json.loads(gateway.weather_arguments)
    assert call["id"]
    result = ToolMessage("sunny and 21 degrees", tool_call_id=call["id"])
    answer = llm.invoke([question, first, result])
    assert answer.content == "Tool said: sunny and 21 degrees"


def test_errors_are_the_openai_exceptions(gateway: Gateway) -> None:
    with pytest.raises(openai.NotFoundError):
        chat(gateway, "no-such/model").invoke("x")
    with pytest.raises(openai.BadRequestError):
        chat(gateway, gateway.echo_model, temperature=5).invoke("x")
    with pytest.raises(openai.AuthenticationError):
        ChatOpenAI(
            base_url=gateway.base_url,
            api_key="wrong-key",  # type: ignore[arg-type]  # a str is validated into SecretStr
            model=gateway.echo_model,
            max_retries=0,
        ).invoke("x")
    with pytest.raises(openai.RateLimitError):
        chat(gateway, gateway.rate_limited_model).invoke("x")


def test_cut_stream_raises_api_error(gateway: Gateway) -> None:
    text: list[str] = []
    with pytest.raises(openai.APIError):
        for part in chat(gateway, gateway.cut_model).stream("x"):
            text.append(str(part.content))
    assert "".join(text) == gateway.cut_text
