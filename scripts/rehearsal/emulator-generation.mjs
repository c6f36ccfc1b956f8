// A generation over real HTTP, from the published packages, against the OpenAI emulator on 127.0.0.1
// (OPENAI_API_KEY / OPENAI_BASE_URL from the environment): base64 from dall-e-3, URLs from dall-e-2
// read back through core's download path. Bun must take the fetch transport (its `undici` cannot dispatch).
import { HttpClient, ImageFormat, ImageGenerationRequest, LLMKitClient } from '@llmkit/sdk'

const runtime = globalThis.Bun
  ? `bun ${Bun.version}`
  : globalThis.Deno
    ? `deno ${Deno.version.deno}`
    : `node ${process.version}`
const base = new URL(process.env.OPENAI_BASE_URL ?? '')
if (base.hostname !== '127.0.0.1') throw new Error(`OPENAI_BASE_URL must be the emulator on 127.0.0.1, not ${base}`)

const transport = new HttpClient().transport
const expected = globalThis.Bun ? 'fetch' : 'undici'
if (transport !== expected) throw new Error(`transport ${transport} on ${runtime}, expected ${expected}`)

const client = LLMKitClient.fromEnv()
const isPng = (bytes) => [0x89, 0x50, 0x4e, 0x47].every((byte, i) => bytes[i] === byte)

const b64 = await client.generateImage(
  new ImageGenerationRequest('openai:dall-e-3', 'a lighthouse on a cliff at dusk').with_format(ImageFormat.B64Json),
)
const first = await b64.first()?.bytes()
if (b64.count !== 1 || !first || !isPng(first)) throw new Error('dall-e-3 did not answer one PNG in b64_json')

const byUrl = await client.generateImage(
  new ImageGenerationRequest('openai:dall-e-2', 'a red fox').with_n(2).with_format(ImageFormat.Url),
)
if (byUrl.count !== 2) throw new Error(`dall-e-2 answered ${byUrl.count} images, expected 2`)
for (const image of byUrl.images) {
  if (!image.url?.startsWith(`http://127.0.0.1:${base.port}/`)) throw new Error(`unexpected image URL ${image.url}`)
  if (!isPng(await image.bytes())) throw new Error(`${image.url} is not a PNG`)
}
console.log(`emulator generation ok on ${runtime}: ${transport} transport, 1 b64 + 2 downloaded images`)
