// Floors for bench/gateway.bench.ts, in a child process of their own like the
// gateway: `FLOOR=echo` answers every request at once with a fixed body the size
// of the gateway's answer (one bare loopback hop); `FLOOR=bare` is the least a
// gateway on node:http can do: read the body, JSON.parse, one llmkit call to the
// mock, JSON.stringify, answer (no routing, validation, auth, metrics or logs).
// Prints its port.
import { createServer } from 'node:http'
import { ImageFormat, ImageGenerationRequest, LLMKitClient } from '@llmkit/core'
import { createOpenAI } from '@llmkit/openai'

const client = new LLMKitClient({
  providers: [createOpenAI({ apiKey: 'sk-bench', baseURL: `http://127.0.0.1:${process.env.MOCK_PORT}/v1` })],
})
const fixed = Buffer.from(process.env.FLOOR_BODY ?? '{}')

const server = createServer((request, response) => {
  const chunks: Buffer[] = []
  request.on('data', (chunk: Buffer) => chunks.push(chunk))
  request.on('end', () => {
    if (process.env.FLOOR === 'echo') {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': fixed.length })
      response.end(fixed)
      return
    }
    void (async () => {
      const body = JSON.parse(Buffer.concat(chunks).toString()) as { model: string; prompt: string }
      const answer = await client.generateImage(
        new ImageGenerationRequest(body.model, body.prompt).with_format(ImageFormat.B64Json),
      )
      const json = Buffer.from(
        JSON.stringify({ created: answer.created, data: answer.images.map((image) => ({ b64_json: image.b64_json })) }),
      )
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': json.length })
      response.end(json)
    })().catch((error: unknown) => {
      response.writeHead(500).end(String(error))
    })
  })
})
server.keepAliveTimeout = 65_000
server.listen(0, '127.0.0.1', () => {
  const address = server.address()
  process.stdout.write(`${typeof address === 'object' && address ? address.port : 0}\n`)
})
process.on('SIGTERM', () => server.close(() => process.exit(0)))
