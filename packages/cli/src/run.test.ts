import { PassThrough } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { run } from './index'

function capture() {
  const stdout = new PassThrough()
  const stderr = new PassThrough()
  const out: string[] = []
  const err: string[] = []
  stdout.on('data', (chunk: Buffer) => out.push(chunk.toString()))
  stderr.on('data', (chunk: Buffer) => err.push(chunk.toString()))
  return { io: { stdout, stderr, env: {} }, out: () => out.join(''), err: () => err.join('') }
}

describe('run', () => {
  it('answers a usage error with exit code 2 and, under --json, one JSON object on stdout', async () => {
    const { io, out } = capture()
    expect(await run(['generate', 'a fox', '-n', '0', '--json'], io)).toBe(2)
    expect(JSON.parse(out())).toEqual({
      ok: false,
      error: {
        code: 'usage',
        message: "option '-n, --n <count>' argument '0' is invalid. expected a whole number from 1 to 10",
      },
    })
  })

  it('keeps stdout empty for a usage error without --json', async () => {
    const { io, out, err } = capture()
    expect(await run(['generate', 'a fox', '--size', 'huge'], io)).toBe(2)
    expect(out()).toBe('')
    expect(err()).toContain('huge')
  })
})
