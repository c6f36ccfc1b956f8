// core's HTTP limits on this runtime, whichever transport it takes (undici, or fetch on Bun), against a
// loopback server: the attempt's time limit for headers and for a stalled body, the byte limit, the
// caller's abort reason unchanged, redirects not followed, and the download address policy.
import { createServer } from 'node:http'
import { GeneratedImage, HttpClient, LLMKitError } from '@llmkit/sdk'

const server = createServer((request, response) => {
  if (request.url === '/big') return response.writeHead(200).end(new Uint8Array(5_000))
  if (request.url === '/half') return response.writeHead(200, { 'content-length': '100' }).write('x')
  if (request.url === '/redirect') return response.writeHead(302, { location: 'http://169.254.169.254/' }).end()
  // Anything else never answers.
})
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
const base = `http://127.0.0.1:${server.address().port}`
const http = new HttpClient()

async function expectFailure(label, promise, check) {
  const outcome = await promise.then(
    () => undefined,
    (error) => error,
  )
  if (!outcome || !check(outcome)) throw new Error(`${label}: unexpected ${outcome?.code ?? ''} ${outcome?.message}`)
}
const isError = (code, text) => (error) =>
  LLMKitError.isInstance(error) && error.code === code && error.message.includes(text)

await expectFailure(
  'headers timeout',
  http.send({ url: `${base}/slow`, timeoutMs: 200 }),
  isError('timeout', 'no answer within 200 ms'),
)
await expectFailure(
  'stalled body',
  http.send({ url: `${base}/half`, timeoutMs: 200 }),
  isError('timeout', 'the answer stalled'),
)
await expectFailure(
  'byte limit',
  http.send({ url: `${base}/big`, maxBytes: 1_000 }),
  isError('provider_error', 'larger than the 1000 byte limit'),
)
const reason = new Error('stopped by the caller')
const caller = new AbortController()
setTimeout(() => caller.abort(reason), 50)
await expectFailure(
  'abort',
  http.send({ url: `${base}/slow`, signal: caller.signal, timeoutMs: 5_000 }),
  (error) => error === reason,
)
await expectFailure(
  'loopback download',
  GeneratedImage.from_url(`${base}/a.png`).bytes({ http }),
  isError('provider_error', 'Refused to download an image from 127.0.0.1'),
)
await expectFailure(
  'redirect',
  GeneratedImage.from_url(`${base}/redirect`).bytes({ http, downloads: { allowPrivateNetwork: true } }),
  isError('provider_error', 'redirects are not followed'),
)
await http.close()
server.closeAllConnections?.()
server.close()
console.log(`transport limits ok (${http.transport})`)
