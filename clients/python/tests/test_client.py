"""The Python client against a real gateway (packages/server/test/gateway-process.mjs --emulate:
the built gateway plus the provider emulators, on free loopback ports). Run from the repository root
after `pnpm build`:  python3 -m unittest discover -s clients/python -t clients/python
"""

import base64
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import threading
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from llmkit import (  # noqa: E402
    AuthenticationError,
    GeneratedImage,
    ImageFormat,
    ImageGenerationRequest,
    ImageGenerationResponse,
    ImageQuality,
    ImageSize,
    ImageStyle,
    InvalidRequestError,
    LLMKitClient,
    LLMKitError,
    ModelNotFoundError,
    PermissionDeniedError,
    RateLimitError,
)

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = ROOT / "packages" / "server" / "test" / "gateway-process.mjs"
FULL_KEY = "sk-gw-python-full-0123456789"
LIMITED_KEY = "sk-gw-python-limited-0123456789"
PNG = b"\x89PNG"


def sha256(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class GatewayTest(unittest.TestCase):
    process: "subprocess.Popen[str]"
    base_url: str

    @classmethod
    def setUpClass(cls) -> None:
        cls.folder = tempfile.TemporaryDirectory()
        keys = Path(cls.folder.name) / "keys.json"
        keys.write_text(
            json.dumps(
                {
                    "keys": [
                        {"name": "full", "sha256": sha256(FULL_KEY)},
                        {"name": "limited", "sha256": sha256(LIMITED_KEY), "rpm": 1, "providers": ["local"]},
                    ]
                }
            )
        )
        env = {
            **os.environ,
            "LLMKIT_DATA_DIR": cls.folder.name,
            "XDG_CACHE_HOME": cls.folder.name,
            "GATEWAY_KEYS_FILE": str(keys),
        }
        cls.process = subprocess.Popen(
            ["node", str(SCRIPT), "--emulate"],
            cwd=str(SCRIPT.parent),
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        lines = []
        timer = threading.Timer(60, cls.process.kill)
        timer.start()
        try:
            for line in cls.process.stdout:
                lines.append(line)
                if line.startswith("llmkit gateway listening on "):
                    cls.base_url = line.split(" on ", 1)[1].strip()
                    break
        finally:
            timer.cancel()
        if not getattr(cls, "base_url", None):
            cls.process.kill()
            raise RuntimeError("the gateway did not start:\n" + "".join(lines))
        # Keep reading (the JSON request log) so the pipe never fills.
        threading.Thread(target=lambda: [None for _ in cls.process.stdout], daemon=True).start()

    @classmethod
    def tearDownClass(cls) -> None:
        cls.process.terminate()
        try:
            cls.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            cls.process.kill()
        cls.folder.cleanup()

    def client(self, key: str = FULL_KEY) -> LLMKitClient:
        return LLMKitClient(self.base_url, key, timeout=60)

    def test_from_env_reads_the_base_url_and_key(self) -> None:
        saved = {name: os.environ.get(name) for name in ("LLMKIT_BASE_URL", "LLMKIT_API_KEY")}
        os.environ["LLMKIT_BASE_URL"] = self.base_url + "/v1"
        os.environ["LLMKIT_API_KEY"] = FULL_KEY
        try:
            client = LLMKitClient.from_env()
            self.assertEqual(client.base_url, self.base_url)
            self.assertIn("fal-ai/flux/schnell", client.list_models())
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value

    def test_generates_base64_images_with_the_documented_builders(self) -> None:
        request = (
            ImageGenerationRequest("local:sketch", "A serene mountain landscape")
            .with_n(2)
            .with_size(ImageSize.Square256)
            .with_format(ImageFormat.B64Json)
            .with_negative_prompt("blurry")
            .with_seed(12345)
        )
        response = self.client().generate_image(request)
        self.assertIsInstance(response, ImageGenerationResponse)
        self.assertEqual(response.count, 2)
        self.assertGreater(response.created, 0)
        first = response.first()
        self.assertIsNotNone(first)
        self.assertTrue(first.bytes().startswith(PNG))
        self.assertEqual(response.total_size, sum(len(image.bytes()) for image in response.images))

    def test_generates_with_a_fal_model_and_returns_a_url(self) -> None:
        request = ImageGenerationRequest("fal-ai/flux/schnell", "a red fox").with_size(ImageSize.Square512)
        response = self.client().generate_image(request)
        self.assertEqual(response.provider, "fal")
        self.assertTrue(response.first().url.startswith("http://127.0.0.1:"))
        self.assertEqual(response.total_size, 0)

    def test_dall_e_3_with_quality_style_and_revised_prompt(self) -> None:
        request = (
            ImageGenerationRequest("dall-e-3", "A serene mountain landscape")
            .with_size(ImageSize.Landscape1792x1024)
            .with_quality(ImageQuality.Hd)
            .with_style(ImageStyle.Vivid)
        )
        image = self.client().generate_image(request).first()
        self.assertTrue(image.url)
        self.assertTrue(image.revised_prompt)

    def test_unknown_model_and_auth_errors(self) -> None:
        with self.assertRaises(ModelNotFoundError) as caught:
            self.client().generate_image(ImageGenerationRequest("no-such-model", "x"))
        self.assertEqual(caught.exception.status, 404)
        with self.assertRaises(AuthenticationError):
            self.client("sk-wrong").generate_image(ImageGenerationRequest("local:sketch", "x"))
        with self.assertRaises(PermissionDeniedError):
            self.client(LIMITED_KEY).generate_image(ImageGenerationRequest("dall-e-2", "x"))

    def test_rate_limits_say_quota_as_the_documentation_expects(self) -> None:
        request = ImageGenerationRequest("local:sketch", "a lighthouse").with_size(ImageSize.Square256)
        self.client(LIMITED_KEY).generate_image(request)
        try:
            self.client(LIMITED_KEY).generate_image(request)
            self.fail("the second request within a minute should be refused")
        except Exception as error:  # the documentation's error-handling example
            self.assertIn("quota", str(error).lower())
            self.assertIsInstance(error, RateLimitError)
            self.assertGreaterEqual(error.retry_after, 1)

    def test_builders_check_values_and_stay_immutable(self) -> None:
        request = ImageGenerationRequest("dall-e-3", "a cat")
        self.assertEqual(request.with_n(3).n, 3)
        self.assertEqual(request.n, 1)
        with self.assertRaises(InvalidRequestError):
            request.with_n(11)
        with self.assertRaises(InvalidRequestError):
            request.with_seed(-1)
        with self.assertRaises(LLMKitError):
            ImageGenerationRequest("dall-e-3", "   ")
        image = GeneratedImage.from_b64(base64.b64encode(PNG).decode()).with_revised_prompt("a better cat")
        self.assertEqual(image.revised_prompt, "a better cat")
        self.assertEqual(image.byte_length, 4)
        self.assertEqual(GeneratedImage.from_url("https://example.invalid/a.png").url, "https://example.invalid/a.png")


if __name__ == "__main__":
    unittest.main()
