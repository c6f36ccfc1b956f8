"""llmkit for Python: the documented image API, over an llmkit gateway (standard library only).

    from llmkit import LLMKitClient, ImageGenerationRequest, ImageSize

    client = LLMKitClient.from_env()  # LLMKIT_BASE_URL, LLMKIT_API_KEY
    request = ImageGenerationRequest("fal-ai/flux/schnell", "A serene mountain landscape").with_size(ImageSize.Square1024)
    response = client.generate_image(request)
    print(response.count, response.first().url)
"""

from .client import LLMKitClient
from .errors import (
    AuthenticationError,
    InvalidRequestError,
    LLMKitError,
    ModelNotFoundError,
    PermissionDeniedError,
    ProviderError,
    QuotaExceededError,
    RateLimitError,
)
from .types import (
    GeneratedImage,
    ImageFormat,
    ImageGenerationRequest,
    ImageGenerationResponse,
    ImageQuality,
    ImageSize,
    ImageStyle,
)

__all__ = [
    "LLMKitClient",
    "ImageGenerationRequest",
    "ImageGenerationResponse",
    "GeneratedImage",
    "ImageSize",
    "ImageQuality",
    "ImageStyle",
    "ImageFormat",
    "LLMKitError",
    "AuthenticationError",
    "PermissionDeniedError",
    "InvalidRequestError",
    "ModelNotFoundError",
    "RateLimitError",
    "QuotaExceededError",
    "ProviderError",
]
__version__ = "0.1.0"
