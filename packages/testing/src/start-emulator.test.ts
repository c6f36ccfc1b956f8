import { afterEach, describe, expect, it } from 'vitest'
import { startEmulator, type Emulator } from './start-emulator'

let emulator: Emulator | undefined
afterEach(async () => {
  await emulator?.close()
  emulator = undefined
})

const generate = (e: Emulator, size: string) =>
  fetch(`${e.env.OPENAI_BASE_URL}/images/generations`, {
    method: 'POST',
    headers: { authorization: `Bearer ${e.keys.openai}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-image-2', prompt: 'a wide valley with a river at sunset', size }),
  })

/** Resolves once the emulator has received `count` requests (the large one is then being drawn). */
async function received(e: Emulator, count: number): Promise<void> {
  while (e.requests.length < count) await new Promise((resolve) => setTimeout(resolve, 2))
}

describe('startEmulator: drawing off the event loop', () => {
  it('answers a cheap request while a 2048x2048 image is being drawn', async () => {
    const e = (emulator = await startEmulator({ providers: ['openai'] }))
    // Warm up: the first render starts the worker.
    expect((await generate(e, '256x256')).status).toBe(200)
    const order: string[] = []
    const large = generate(e, '2048x2048').then(async (response) => {
      order.push('large')
      return (await response.json()) as { data: { b64_json: string }[] }
    })
    await received(e, 2)
    const cheap = await fetch(`${e.urls.openai}/v1/models`)
    order.push('cheap')
    expect(cheap.status).toBe(404)
    const png = Buffer.from((await large).data[0]!.b64_json, 'base64')
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([2048, 2048])
    expect(order).toEqual(['cheap', 'large'])
  })

  it('close() does not wait for a picture being drawn: the request in flight is cut off', async () => {
    const e = (emulator = await startEmulator({ providers: ['openai'] }))
    expect((await generate(e, '256x256')).status).toBe(200)
    const large = generate(e, '2048x2048').then(
      async (response) => `answered ${response.status} with ${(await response.arrayBuffer()).byteLength} bytes`,
      () => 'cut off',
    )
    await received(e, 2)
    await e.close()
    expect(await large).toBe('cut off')
  })
})
