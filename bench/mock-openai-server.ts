// A loopback stand-in for OpenAI's images endpoint that answers instantly with a
// fixed body, so a benchmark measures the client, not the server. Run as a child
// process: prints its port on stdout.
import { createServer } from 'node:http'

const images = Number(process.env.MOCK_IMAGES ?? 1)
const imageBytes = Number(process.env.MOCK_IMAGE_BYTES ?? 2048)

/** Random bytes behind a PNG signature: decodes as base64 like a real image payload. */
function fakePng(size: number, seed: number): Buffer {
  const bytes = Buffer.alloc(size)
  let state = seed
  for (let i = 0; i < size; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0
    bytes[i] = state >>> 24
  }
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(bytes)
  return bytes
}

const body = Buffer.from(
  JSON.stringify({
    created: 1_700_000_000,
    data: Array.from({ length: images }, (_, i) => ({ b64_json: fakePng(imageBytes, i + 1).toString('base64') })),
  }),
)
const server = createServer((request, response) => {
  request.resume()
  request.on('end', () => {
    response.writeHead(200, {
      'content-type': 'application/json',
      'content-length': body.length,
      'x-request-id': 'req_bench',
    })
    response.end(body)
  })
})
server.keepAliveTimeout = 60_000
server.listen(0, '127.0.0.1', () => {
  const address = server.address()
  process.stdout.write(`${typeof address === 'object' && address ? address.port : 0}\n`)
})
process.on('SIGTERM', () => server.close(() => process.exit(0)))
