"""Requests, sizes, options and responses: the documented API, with its documented names."""

from __future__ import annotations

import base64
import binascii
import dataclasses
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Dict, List, Optional, Tuple

from .errors import InvalidRequestError

MAX_IMAGES_PER_REQUEST = 10
MAX_SEED = 2**32 - 1
MAX_PROMPT_LENGTH = 32_000


class ImageSize(Enum):
    """Image dimensions, as OpenAI's `size` (``WIDTHxHEIGHT``)."""

    Square256 = "256x256"
    Square512 = "512x512"
    Square1024 = "1024x1024"
    Portrait1024x1792 = "1024x1792"
    Landscape1792x1024 = "1792x1024"

    @property
    def width(self) -> int:
        return int(self.value.split("x")[0])

    @property
    def height(self) -> int:
        return int(self.value.split("x")[1])


class ImageQuality(Enum):
    Standard = "standard"
    Hd = "hd"


class ImageStyle(Enum):
    Natural = "natural"
    Vivid = "vivid"


class ImageFormat(Enum):
    """How images come back: a URL to download, or base64 data."""

    Url = "url"
    B64Json = "b64_json"


def _check(condition: bool, message: str) -> None:
    if not condition:
        raise InvalidRequestError(message)


@dataclass(frozen=True)
class ImageGenerationRequest:
    """What to generate. Immutable: every ``with_*`` returns a new request and checks its value at once."""

    model: str
    prompt: str
    n: int = 1
    size: Optional[ImageSize] = None
    quality: Optional[ImageQuality] = None
    style: Optional[ImageStyle] = None
    format: ImageFormat = ImageFormat.Url
    negative_prompt: Optional[str] = None
    seed: Optional[int] = None
    provider_options: Dict[str, Dict[str, Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        _check(isinstance(self.model, str) and self.model.strip() != "", "model must be a non-empty model id such as \"dall-e-3\"")
        _check(
            isinstance(self.prompt, str) and 0 < len(self.prompt.strip()) <= MAX_PROMPT_LENGTH,
            f"prompt must be non-empty text of at most {MAX_PROMPT_LENGTH} characters",
        )

    def with_n(self, n: int) -> "ImageGenerationRequest":
        _check(
            isinstance(n, int) and not isinstance(n, bool) and 1 <= n <= MAX_IMAGES_PER_REQUEST,
            f"with_n: n must be a whole number from 1 to {MAX_IMAGES_PER_REQUEST}, got {n!r}",
        )
        return dataclasses.replace(self, n=n)

    def with_size(self, size: ImageSize) -> "ImageGenerationRequest":
        _check(isinstance(size, ImageSize), f"with_size: size must be an ImageSize, got {size!r}")
        return dataclasses.replace(self, size=size)

    def with_quality(self, quality: ImageQuality) -> "ImageGenerationRequest":
        _check(isinstance(quality, ImageQuality), f"with_quality: quality must be an ImageQuality, got {quality!r}")
        return dataclasses.replace(self, quality=quality)

    def with_style(self, style: ImageStyle) -> "ImageGenerationRequest":
        _check(isinstance(style, ImageStyle), f"with_style: style must be an ImageStyle, got {style!r}")
        return dataclasses.replace(self, style=style)

    def with_format(self, format: ImageFormat) -> "ImageGenerationRequest":
        _check(isinstance(format, ImageFormat), f"with_format: format must be an ImageFormat, got {format!r}")
        return dataclasses.replace(self, format=format)

    def with_negative_prompt(self, negative_prompt: str) -> "ImageGenerationRequest":
        _check(
            isinstance(negative_prompt, str) and negative_prompt.strip() != "",
            "with_negative_prompt: negative prompt must be non-empty text",
        )
        return dataclasses.replace(self, negative_prompt=negative_prompt.strip())

    def with_seed(self, seed: int) -> "ImageGenerationRequest":
        _check(
            isinstance(seed, int) and not isinstance(seed, bool) and 0 <= seed <= MAX_SEED,
            f"with_seed: seed must be a whole number from 0 to {MAX_SEED}, got {seed!r}",
        )
        return dataclasses.replace(self, seed=seed)

    def with_provider_options(self, provider: str, options: Dict[str, Any]) -> "ImageGenerationRequest":
        _check(isinstance(provider, str) and provider != "", "with_provider_options: provider must be an id such as \"fal\"")
        _check(isinstance(options, dict), "with_provider_options: options must be a dict")
        merged = {**self.provider_options, provider: {**self.provider_options.get(provider, {}), **options}}
        return dataclasses.replace(self, provider_options=merged)

    def to_body(self) -> Dict[str, Any]:
        """The gateway's (OpenAI's) JSON body."""
        body: Dict[str, Any] = {
            "model": self.model,
            "prompt": self.prompt.strip(),
            "n": self.n,
            "response_format": self.format.value,
        }
        if self.size is not None:
            body["size"] = self.size.value
        if self.quality is not None:
            body["quality"] = self.quality.value
        if self.style is not None:
            body["style"] = self.style.value
        if self.negative_prompt is not None:
            body["negative_prompt"] = self.negative_prompt
        if self.seed is not None:
            body["seed"] = self.seed
        if self.provider_options:
            body["provider_options"] = self.provider_options
        return body


@dataclass(frozen=True)
class GeneratedImage:
    """One image: a URL, base64 data, or both, and the prompt the model actually used where it says."""

    url: Optional[str] = None
    b64_json: Optional[str] = None
    revised_prompt: Optional[str] = None

    @classmethod
    def from_url(cls, url: str) -> "GeneratedImage":
        _check(isinstance(url, str) and url.strip() != "", "GeneratedImage.from_url: url must be a non-empty string")
        return cls(url=url)

    @classmethod
    def from_b64(cls, data: str) -> "GeneratedImage":
        _check(isinstance(data, str) and data != "", "GeneratedImage.from_b64: data must be non-empty base64 text")
        return cls(b64_json=data)

    def with_revised_prompt(self, prompt: str) -> "GeneratedImage":
        return dataclasses.replace(self, revised_prompt=prompt)

    @property
    def byte_length(self) -> int:
        """Bytes of image data held in ``b64_json`` (0 for a URL-only image)."""
        if not self.b64_json:
            return 0
        padding = len(self.b64_json) - len(self.b64_json.rstrip("="))
        return len(self.b64_json) * 3 // 4 - padding

    def bytes(self) -> bytes:
        """The decoded image data (base64 images only; download URLs with any HTTP client)."""
        if not self.b64_json:
            raise InvalidRequestError("this image has no b64_json; download its url instead")
        try:
            return base64.b64decode(self.b64_json, validate=True)
        except binascii.Error as error:
            raise InvalidRequestError(f"b64_json is not valid base64: {error}") from None


@dataclass(frozen=True)
class ImageGenerationResponse:
    """The images of one request."""

    created: int
    images: Tuple[GeneratedImage, ...]
    model: Optional[str] = None
    provider: Optional[str] = None
    warnings: Tuple[str, ...] = ()

    @property
    def count(self) -> int:
        return len(self.images)

    @property
    def total_size(self) -> int:
        """Total bytes of base64 image data in the response (URL-only images count 0)."""
        return sum(image.byte_length for image in self.images)

    def first(self) -> Optional[GeneratedImage]:
        return self.images[0] if self.images else None

    @classmethod
    def from_json(cls, body: Dict[str, Any]) -> "ImageGenerationResponse":
        images: List[GeneratedImage] = [
            GeneratedImage(url=item.get("url"), b64_json=item.get("b64_json"), revised_prompt=item.get("revised_prompt"))
            for item in body.get("data") or []
        ]
        return cls(
            created=int(body.get("created", 0)),
            images=tuple(images),
            model=body.get("model"),
            provider=body.get("provider"),
            warnings=tuple(body.get("warnings") or ()),
        )
