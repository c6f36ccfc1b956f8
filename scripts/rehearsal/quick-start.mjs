// The README's Quick Start, offline (local:sketch), as a new user runs it from the published packages.
// Imported as 'llmkit' (installed with `npm i llmkit@npm:@llmkit/sdk`) and checked against '@llmkit/sdk'.
import { readFileSync } from 'node:fs'
import { LLMKitClient, ImageGenerationRequest, ImageSize } from 'llmkit'
import * as sdk from '@llmkit/sdk'

const runtime = globalThis.Bun
  ? `bun ${Bun.version}`
  : globalThis.Deno
    ? `deno ${Deno.version.deno}`
    : `node ${process.version}`
// Two names for the umbrella, one core underneath (core is a peer: one copy per app).
const { LLMKitError } = await import('llmkit')
if (sdk.LLMKitError !== LLMKitError) throw new Error("'llmkit' and '@llmkit/sdk' do not share @llmkit/core")

const client = LLMKitClient.fromEnv()

const request = new ImageGenerationRequest('local:sketch', 'A serene mountain landscape').with_size(
  ImageSize.Landscape1792x1024,
)
const response = await client.generateImage(request)

console.log(`Generated ${response.count} image(s)`)
console.log(`Image URL: ${response.first()?.url}`)
const file = `landscape-${runtime.split(' ')[0]}.png`
await response.first()?.save(file) // atomic write

const png = readFileSync(file)
const signature = [0x89, 0x50, 0x4e, 0x47]
if (png.length < 1000 || !signature.every((byte, i) => png[i] === byte)) throw new Error(`${file} is not a PNG`)
if (png.readUInt32BE(16) !== 1792 || png.readUInt32BE(20) !== 1024) throw new Error(`${file} is not 1792x1024`)
if (response.warnings.length) throw new Error(`unexpected warnings: ${response.warnings.join('; ')}`)
console.log(`quick start ok on ${runtime}: ${file}, ${png.length} bytes`)
