"""The official openai Python SDK against the TokenFlow gateway's /v1 API."""

import json

import openai
import pytest
from openai.types.chat import (
    ChatCompletionMessageFunctionToolCall,
    ChatCompletionMessageParam,
)

from conftest import WEATHER_TOOL, Gateway


def user(content: str) -> list[ChatCompletionMessageParam]:
    return [{"role": "user", "content": content}]


def test_named_model_answers_not_streamed(client: openai.OpenAI, gateway: Gateway) -> None:
    answer = client.chat.completions.create(model=gateway.echo_model, messages=user("alpha beta"))
    assert answer.model == gateway.echo_model
    assert answer.choices[0].message.content == "Echo: alpha beta"
    assert answer.choices[0].finish_reason == "stop"
    assert answer.usage is not None and answer.usage.completion_tokens > 0


def test_named_model_streams_the_same_answer_with_usage_last(
    client: openai.OpenAI, gateway: Gateway
) -> None:
    chunks = list(
        client.chat.completions.create(
            model=gateway.echo_model, messages=user("alpha beta"), stream=True
        )
    )
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == "Echo: alpha beta"
    finishes = [
        c.choices[0].finish_reason for c in chunks if c.choices and c.choices[0].finish_reason
    ]
    assert finishes == ["stop"]
    last = chunks[-1]
    assert last.choices == []
    assert last.usage is not None and last.usage.total_tokens > 0
    # The SDK keeps fields it does not know, such as TokenFlow's own, in model_extra.
    tokenflow = (last.model_extra or {}).get("tokenflow")
    assert isinstance(tokenflow, dict)
    assert {"cost_usd", "total_ms"} <= tokenflow.keys()


def test_auto_routes_to_a_catalog_model(client: openai.OpenAI, gateway: Gateway) -> None:
    raw = client.chat.completions.with_raw_response.create(
        model="auto", messages=user("route me"), extra_body=gateway.routed
    )
    answer = raw.parse()
    assert answer.model in gateway.catalog_models
    assert raw.headers.get("x-tokenflow-model") == answer.model
    assert raw.headers.get("x-tokenflow-category") == gateway.auto_category
    assert answer.choices[0].message.content == "Echo: route me"


def test_auto_strategy_streams(client: openai.OpenAI, gateway: Gateway) -> None:
    with client.chat.completions.with_streaming_response.create(
        model="auto:quality", messages=user("best words"), stream=True, extra_body=gateway.routed
    ) as response:
        model = response.headers.get("x-tokenflow-model")
        chunks = list(response.parse())
    assert model in gateway.catalog_models
    assert chunks[0].model == model
    assert (
        "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) == "Echo: best words"
    )
    assert chunks[-1].usage is not None


def test_tool_call_round_trip_streamed_and_not(client: openai.OpenAI, gateway: Gateway) -> None:
    stream = client.chat.completions.create(
        model=gateway.tool_call_model,
        messages=user("weather in Paris?"),
        tools=[WEATHER_TOOL],
        stream=True,
    )
    deltas = [call for c in stream if c.choices for call in c.choices[0].delta.tool_calls or []]
    assert deltas[0].id and deltas[0].type == "function"
    assert deltas[0].function is not None and deltas[0].function.name == "get_weather"
    assert len(deltas) > 2
    assert (
        "".join(d.function.arguments or "" for d in deltas if d.function)
        == gateway.weather_arguments
    )

    answer = client.chat.completions.create(
        model=gateway.tool_call_model,
        messages=user("weather in Paris?"),
        tools=[WEATHER_TOOL],
    )
    message = answer.choices[0].message
    assert answer.choices[0].finish_reason == "tool_calls"
    assert message.tool_calls is not None and len(message.tool_calls) == 1
    call = message.tool_calls[0]
    assert isinstance(call, ChatCompletionMessageFunctionToolCall)
    assert call.function.name == "get_weather"
    assert json.loads(call.function.arguments) == json.loads(gateway.weather_arguments)

    follow_up = client.chat.completions.create(
        model=gateway.tool_call_model,
        tools=[WEATHER_TOOL],
        messages=[
            *user("weather in Paris?"),
            {
                "role": "assistant",
                "content": None,
                "tool_calls": [
                    {
                        "id": call.id,
                        "type": "function",
                        "function": {
                            "name": call.function.name,
                            "arguments": call.function.arguments,
                        },
                    }
                ],
            },
            {"role": "tool", "tool_call_id": call.id, "content": "sunny and 21 degrees"},
        ],
    )
    assert follow_up.choices[0].message.content == "Tool said: sunny and 21 degrees"


def test_unknown_model_is_not_found(client: openai.OpenAI) -> None:
    with pytest.raises(openai.NotFoundError) as raised:
        client.chat.completions.create(model="no-such/model", messages=user("x"))
    assert raised.value.code == "model_not_found"


def test_bad_field_is_bad_request(client: openai.OpenAI, gateway: Gateway) -> None:
    with pytest.raises(openai.BadRequestError) as raised:
        client.chat.completions.create(model=gateway.echo_model, messages=user("x"), temperature=5)
    assert raised.value.param == "temperature"


def test_wrong_key_is_authentication_error(gateway: Gateway) -> None:
    wrong = openai.OpenAI(base_url=gateway.base_url, api_key="wrong-key", max_retries=0)
    with pytest.raises(openai.AuthenticationError):
        wrong.chat.completions.create(model=gateway.echo_model, messages=user("x"))


@pytest.mark.parametrize("stream", [False, True])
def test_upstream_rate_limit_is_rate_limit_error(
    client: openai.OpenAI, gateway: Gateway, stream: bool
) -> None:
    with pytest.raises(openai.RateLimitError) as raised:
        client.chat.completions.create(
            model=gateway.rate_limited_model, messages=user("x"), stream=stream
        )
    assert int(raised.value.response.headers["retry-after"]) >= 1


def test_cut_stream_raises_api_error_after_the_first_tokens(
    client: openai.OpenAI, gateway: Gateway
) -> None:
    stream = client.chat.completions.create(
        model=gateway.cut_model, messages=user("x"), stream=True
    )
    text: list[str] = []
    with pytest.raises(openai.APIError):
        for chunk in stream:
            if chunk.choices:
                assert chunk.choices[0].finish_reason is None
                text.append(chunk.choices[0].delta.content or "")
    assert "".join(text) == gateway.cut_text


def test_models_list_has_auto_and_the_catalog(client: openai.OpenAI, gateway: Gateway) -> None:
    ids = {model.id for model in client.models.list()}
    assert {"auto", "auto:quality", "auto:balanced", "auto:cheapest"} <= ids
    assert set(gateway.catalog_models) <= ids
