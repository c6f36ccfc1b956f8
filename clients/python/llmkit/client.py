"""The client: ``LLMKitClient.from_env().generate_image(request)``, over the gateway's HTTP API."""

from __future__ import annotations

import json
import os
import socket
import urllib.error
import urllib.request
from typing import Any, Dict, List, Optional

from .errors import LLMKitError, ProviderError, error_from_answer
from .types import ImageGenerationRequest, ImageGenerationResponse

DEFAULT_BASE_URL = "http://127.0.0.1:8080"


class LLMKitClient:
    """Talks to an llmkit gateway (``llmkit serve``), which holds the provider keys."""

    def __init__(self, base_url: str = DEFAULT_BASE_URL, api_key: Optional[str] = None, timeout: float = 300.0) -> None:
        base = base_url.rstrip("/")
        # Accept both the gateway's origin and OpenAI-style ".../v1".
        self.base_url = base[: -len("/v1")] if base.endswith("/v1") else base
        self.api_key = api_key
        self.timeout = timeout

    @classmethod
    def from_env(cls, timeout: float = 300.0) -> "LLMKitClient":
        """A client for ``LLMKIT_BASE_URL`` (default http://127.0.0.1:8080) with the key in ``LLMKIT_API_KEY``."""
        return cls(os.environ.get("LLMKIT_BASE_URL") or DEFAULT_BASE_URL, os.environ.get("LLMKIT_API_KEY") or None, timeout)

    def generate_image(self, request: ImageGenerationRequest) -> ImageGenerationResponse:
        """Generates images; raises an ``LLMKitError`` subclass on failure."""
        if not isinstance(request, ImageGenerationRequest):
            raise TypeError("generate_image expects an ImageGenerationRequest")
        body = self._send("POST", "/v1/images/generations", request.to_body())
        return ImageGenerationResponse.from_json(body)

    def list_models(self) -> List[str]:
        """The ids of the models the gateway serves (to this key)."""
        body = self._send("GET", "/v1/models")
        return [model["id"] for model in body.get("data", [])]

    def _send(self, method: str, path: str, payload: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
        headers = {"accept": "application/json", "user-agent": "llmkit-python/0.1.0"}
        data = None
        if payload is not None:
            data = json.dumps(payload).encode("utf-8")
            headers["content-type"] = "application/json"
        if self.api_key:
            headers["authorization"] = f"Bearer {self.api_key}"
        http_request = urllib.request.Request(self.base_url + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(http_request, timeout=self.timeout) as answer:
                return json.loads(answer.read().decode("utf-8"))
        except urllib.error.HTTPError as failed:
            text = failed.read().decode("utf-8", "replace")
            try:
                parsed: object = json.loads(text)
            except ValueError:
                parsed = None
            raise error_from_answer(
                failed.code, parsed, failed.headers.get("x-request-id"), failed.headers.get("retry-after")
            ) from None
        except (urllib.error.URLError, socket.timeout, ConnectionError) as failed:
            reason = getattr(failed, "reason", failed)
            raise ProviderError(f"could not reach the llmkit gateway at {self.base_url}: {reason}", code="network") from None
        except ValueError:
            raise LLMKitError("the gateway answered with invalid JSON", code="invalid_response") from None
