"""One error family, by the gateway's OpenAI-format error envelope. Rate limits and quota say "quota"."""

from __future__ import annotations

from typing import Optional


class LLMKitError(Exception):
    """Any failure: ``code`` and ``status`` say which; the message is written for a person."""

    def __init__(
        self,
        message: str,
        *,
        code: Optional[str] = None,
        status: Optional[int] = None,
        type: Optional[str] = None,
        param: Optional[str] = None,
        request_id: Optional[str] = None,
        retry_after: Optional[float] = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status
        self.type = type
        self.param = param
        self.request_id = request_id
        self.retry_after = retry_after


class InvalidRequestError(LLMKitError):
    """The request is wrong (400): fix it before sending it again."""


class AuthenticationError(LLMKitError):
    """The gateway key is missing or wrong (401): set LLMKIT_API_KEY."""


class PermissionDeniedError(LLMKitError):
    """The gateway key may not use this model (403)."""


class ModelNotFoundError(InvalidRequestError):
    """No configured provider serves this model (404)."""


class RateLimitError(LLMKitError):
    """Rate limit or quota (429): wait ``retry_after`` seconds. The message always says "quota"."""


class QuotaExceededError(RateLimitError):
    """The provider's quota is spent: it needs a plan change, not a wait."""


class ProviderError(LLMKitError):
    """The provider failed, timed out or could not be reached (5xx)."""


def error_from_answer(status: int, body: object, request_id: Optional[str], retry_after: Optional[str]) -> LLMKitError:
    """The error for a non-2xx answer of the gateway."""
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        error = {}
    message = str(error.get("message") or f"the gateway answered HTTP {status}")
    code = error.get("code")
    fields = dict(
        code=code,
        status=status,
        type=error.get("type"),
        param=error.get("param"),
        request_id=request_id,
        retry_after=_seconds(retry_after),
    )
    if status == 429:
        if "quota" not in message.lower():
            message = f"{message} (rate limit: request quota exceeded)"
        cls = QuotaExceededError if code == "insufficient_quota" else RateLimitError
        return cls(message, **fields)
    if status == 401:
        return AuthenticationError(message, **fields)
    if status == 403:
        return PermissionDeniedError(message, **fields)
    if status == 404 and code == "model_not_found":
        return ModelNotFoundError(message, **fields)
    if 400 <= status < 500:
        return InvalidRequestError(message, **fields)
    return ProviderError(message, **fields)


def _seconds(value: Optional[str]) -> Optional[float]:
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None
