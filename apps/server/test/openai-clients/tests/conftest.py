"""Where the gateway under test is and which catalog model plays which scenario.

openai-python-clients.test.ts starts the gateway and the fake provider, scripts one model per
scenario and passes everything here through TOKENFLOW_* environment variables.
"""

import os
from dataclasses import dataclass

import openai
import pytest
from openai.types.chat import ChatCompletionToolParam


@dataclass(frozen=True)
class Gateway:
    base_url: str
    api_key: str
    auto_category: str
    echo_model: str
    tool_call_model: str
    rate_limited_model: str
    cut_model: str
    weather_arguments: str
    cut_text: str
    catalog_models: tuple[str, ...]

    @property
    def routed(self) -> dict[str, object]:
        """The `tokenflow` body options for `auto`: one category, so no classifier runs."""
        return {"tokenflow": {"possible_categories": [self.auto_category], "compress": "off"}}


def _env(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        raise RuntimeError(
            f"{name} is not set: run these tests through openai-python-clients.test.ts"
        )
    return value


@pytest.fixture(scope="session")
def gateway() -> Gateway:
    return Gateway(
        base_url=_env("TOKENFLOW_GATEWAY_URL").rstrip("/") + "/v1",
        api_key=_env("TOKENFLOW_API_KEY"),
        auto_category=_env("TOKENFLOW_AUTO_CATEGORY"),
        echo_model=_env("TOKENFLOW_MODEL_ECHO"),
        tool_call_model=_env("TOKENFLOW_MODEL_TOOL_CALL"),
        rate_limited_model=_env("TOKENFLOW_MODEL_RATE_LIMITED"),
        cut_model=_env("TOKENFLOW_MODEL_CUT"),
        weather_arguments=_env("TOKENFLOW_WEATHER_ARGUMENTS"),
        cut_text=_env("TOKENFLOW_CUT_TEXT"),
        catalog_models=tuple(_env("TOKENFLOW_CATALOG_MODELS").split(",")),
    )


@pytest.fixture(scope="session")
def client(gateway: Gateway) -> openai.OpenAI:
    # No retries: a 429 must surface as it came, not be waited out by the SDK.
    return openai.OpenAI(base_url=gateway.base_url, api_key=gateway.api_key, max_retries=0)


WEATHER_TOOL: ChatCompletionToolParam = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Current weather for a city",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string"}},
            "required": ["city"],
        },
    },
}
