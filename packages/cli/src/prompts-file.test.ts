import { describe, expect, it } from 'vitest'
import { UsageError } from './exit-codes'
import { parsePrompts } from './prompts-file'

const defaults = { model: 'local:sketch' }

describe('parsePrompts', () => {
  it('reads one prompt per line, skipping blanks and comments', () => {
    const items = parsePrompts('a lake\n\n# note\n  a forest  \r\n', 'text', defaults)
    expect(items.map(({ prompt, line, model }) => ({ prompt, line, model }))).toEqual([
      { prompt: 'a lake', line: 1, model: 'local:sketch' },
      { prompt: 'a forest', line: 4, model: 'local:sketch' },
    ])
  })

  it('reads JSONL with per-line settings', () => {
    const [item] = parsePrompts(
      '{"prompt":"a lake","model":"dall-e-3","n":2,"size":"landscape","seed":7,"negative":"fog"}',
      'jsonl',
      defaults,
    )
    expect(item).toMatchObject({
      prompt: 'a lake',
      model: 'dall-e-3',
      n: 2,
      size: 'landscape',
      seed: 7,
      negative: 'fog',
      line: 1,
    })
  })

  it('keeps an item id when other lines change, and tells duplicates apart', () => {
    const before = parsePrompts('a\nb\nb', 'text', defaults)
    const after = parsePrompts('new first line\na\nb\nb', 'text', defaults)
    expect(after.slice(1).map((i) => i.id)).toEqual(before.map((i) => i.id))
    expect(new Set(before.map((i) => i.id)).size).toBe(3)
  })

  it.each([
    ['{"prompt": 1}', 'line 1: "prompt" must be non-empty text'],
    ['{"prompt": "a", "n": 1.5}', 'line 1: "n" must be a whole number'],
    ['{"prompt": "a", "steps": 3}', 'line 1: unknown field "steps"'],
    ['{"model": "x"}', 'line 1: "prompt" is missing'],
    ['not json', 'line 1: not valid JSON'],
    ['[1]', 'line 1: expected an object'],
  ])('rejects %j as a usage error', (line, message) => {
    expect(() => parsePrompts(line, 'jsonl', defaults)).toThrow(UsageError)
    expect(() => parsePrompts(line, 'jsonl', defaults)).toThrow(message)
  })

  it('rejects an empty file', () => {
    expect(() => parsePrompts('\n# only a comment\n', 'text', defaults)).toThrow('no prompts')
  })
})
