import { PassThrough } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { ProgressLine } from './progress'

function pipe() {
  const stream = new PassThrough()
  const chunks: string[] = []
  stream.on('data', (chunk: Buffer) => chunks.push(chunk.toString()))
  return { stream, text: () => chunks.join('') }
}

describe('ProgressLine on a pipe', () => {
  it('ends with a plain success line: no colour codes, no redraws', () => {
    const { stream, text } = pipe()
    const line = new ProgressLine('dall-e-3', { stream, isSilent: false, startedAt: Date.now() }).start()
    line.setPhase('running')
    line.succeed('1 image saved to out/')
    expect(text()).not.toMatch(/\u001b\[/)
    expect(text().trimEnd().split('\n').at(-1)).toMatch(/^✔ 1 image saved to out\/ in \d/)
  })

  it('ends with a plain failure line', () => {
    const { stream, text } = pipe()
    new ProgressLine('dall-e-3', { stream, isSilent: false }).start().fail('rate limited: try again in 20 s')
    expect(text()).not.toMatch(/\u001b\[/)
    expect(text().trimEnd().split('\n').at(-1)).toBe('✖ rate limited: try again in 20 s')
  })

  it('prints nothing when silent', () => {
    const { stream, text } = pipe()
    new ProgressLine('dall-e-3', { stream, isSilent: true }).start().succeed('done')
    expect(text()).toBe('')
  })
})
