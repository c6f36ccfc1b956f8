import { readdir, readFile, stat } from 'node:fs/promises'
import { createHash } from 'node:crypto'
import { basename, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmulator, type Emulator } from '@llmkit/testing'
import { cleanEnv, pngSize, runCli, temporaryFolder } from './cli-process'

let home: string
let emulator: Emulator
let openaiEnv: Record<string, string>

beforeAll(async () => {
  home = await temporaryFolder()
  emulator = await startEmulator({ providers: ['openai'] })
  openaiEnv = { OPENAI_BASE_URL: emulator.env.OPENAI_BASE_URL!, OPENAI_API_KEY: emulator.keys.openai! }
})
afterAll(() => emulator?.close())

describe('llmkit generate (offline, local renderer)', () => {
  it('saves valid PNGs named from prompt, seed and index, and prints where they went', async () => {
    const cwd = await temporaryFolder()
    const result = await runCli(
      ['generate', 'a lake at sunset', '-n', '2', '--seed', '7', '--size', '256x128', '-o', 'out'],
      { cwd, env: cleanEnv(home) },
    )
    expect(result.stderr).not.toContain('error')
    expect(result.code).toBe(0)
    expect(result.stdout.trim().split('\n')).toEqual([
      join('out', 'a-lake-at-sunset-s7-1.png'),
      join('out', 'a-lake-at-sunset-s8-2.png'),
    ])
    expect(await pngSize(join(cwd, 'out', 'a-lake-at-sunset-s7-1.png'))).toEqual({ width: 256, height: 128 })
    expect(result.stderr).toMatch(/2 images from local:sketch in \d+\.\ds/)
  })

  it('never overwrites: the same command again writes new names and leaves the first files alone', async () => {
    const cwd = await temporaryFolder()
    const args = ['generate', 'a lake', '--seed', '3', '--size', '64x64', '-o', 'out']
    await runCli(args, { cwd, env: cleanEnv(home) })
    const before = await stat(join(cwd, 'out', 'a-lake-s3-1.png'))
    const second = await runCli(args, { cwd, env: cleanEnv(home) })
    expect(second.stdout.trim()).toBe(join('out', 'a-lake-s3-1-2.png'))
    expect((await stat(join(cwd, 'out', 'a-lake-s3-1.png'))).mtimeMs).toBe(before.mtimeMs)
    expect((await readdir(join(cwd, 'out'))).sort()).toEqual(['a-lake-s3-1-2.png', 'a-lake-s3-1.png'])
  })

  it('six concurrent processes writing the same names into one folder: every image kept under its own name', async () => {
    const cwd = await temporaryFolder()
    // Six prompts that differ after the slug's 48 characters: the same file names, different images.
    const prompts = ['sunset', 'night', 'snow', 'forest', 'city', 'mountains'].map(
      (word) => `a quiet scene painted slowly with care and patience ${word}`,
    )
    const results = await Promise.all(
      prompts.map((prompt) =>
        runCli(['generate', prompt, '-n', '2', '--seed', '3', '--size', '64x64', '-o', 'out', '--json'], {
          cwd,
          env: cleanEnv(home),
        }),
      ),
    )
    const reported = results.flatMap((result) => {
      expect(result.code).toBe(0)
      return (JSON.parse(result.stdout) as { files: string[] }).files
    })
    expect(new Set(reported).size).toBe(12)
    const onDisk = (await readdir(join(cwd, 'out'))).sort()
    expect(onDisk).toEqual(reported.map((path) => basename(path)).sort())
    // No file was replaced by another process's image: each holds the bytes of a distinct image.
    const digests = await Promise.all(
      onDisk.map(async (name) =>
        createHash('sha256')
          .update(await readFile(join(cwd, 'out', name)))
          .digest('hex'),
      ),
    )
    expect(new Set(digests).size).toBe(12)
  }, 90_000) // six Node start-ups at once on a loaded machine

  it('keeps weird prompts (slashes, unicode, very long) inside the output folder with safe names', async () => {
    const cwd = await temporaryFolder()
    const prompt = `../../etc/passwd 日本の山 ${'very long words '.repeat(40)}`
    const result = await runCli(['generate', prompt, '--seed', '1', '--size', '64x64', '-o', 'out', '--json'], {
      cwd,
      env: cleanEnv(home),
    })
    expect(result.code).toBe(0)
    const [file] = await readdir(join(cwd, 'out'))
    expect(file).toMatch(/^etc-passwd-very-long-words[a-z-]*-s1-1\.png$/)
    expect(file!.length).toBeLessThan(70)
  })

  it('--json prints exactly one JSON object on stdout and no progress', async () => {
    const cwd = await temporaryFolder()
    const result = await runCli(
      ['generate', 'a red city at night', '--json', '--seed', '5', '--size', 'landscape', '-o', 'out'],
      { cwd, env: cleanEnv(home) },
    )
    expect(result.code).toBe(0)
    expect(result.stdout.trim().split('\n')).toHaveLength(1)
    const output = JSON.parse(result.stdout)
    expect(output).toMatchObject({
      ok: true,
      model: 'local:sketch',
      provider: 'local',
      seed: 5,
      size: '1792x1024',
      warnings: [],
      files: [join(cwd, 'out', 'a-red-city-at-night-s5-1.png')],
    })
    expect(output.timings.totalMs).toBeGreaterThan(0)
    expect(result.stderr).toBe('')
    expect(await pngSize(output.files[0])).toEqual({ width: 1792, height: 1024 })
  })

  it('--gallery writes index.html beside the images', async () => {
    const cwd = await temporaryFolder()
    const result = await runCli(['generate', 'mountains', '--gallery', '--seed', '2', '--size', '64x64', '-o', 'out'], {
      cwd,
      env: cleanEnv(home),
    })
    expect(result.code).toBe(0)
    const html = await readFile(join(cwd, 'out', 'index.html'), 'utf8')
    expect(html).toContain('src="mountains-s2-1.png"')
    expect(html).toContain('local:sketch · seed 2 · 64×64')
  })
})

describe('llmkit generate against the OpenAI emulator', () => {
  it('generates with dall-e-3 through OPENAI_BASE_URL', async () => {
    const cwd = await temporaryFolder()
    const result = await runCli(['generate', 'a lighthouse', '-m', 'dall-e-3', '--json', '-o', 'out'], {
      cwd,
      env: cleanEnv(home, openaiEnv),
    })
    expect(result.stderr).toBe('')
    const output = JSON.parse(result.stdout)
    expect(output).toMatchObject({ ok: true, model: 'openai:dall-e-3', provider: 'openai', size: '1024x1024' })
    expect(await pngSize(output.files[0])).toEqual({ width: 1024, height: 1024 })
  })

  it.each([
    ['usage: a malformed flag', ['generate', 'x', '-n', 'eleven'], {}, undefined, 2, /argument 'eleven' is invalid/],
    ['usage: no prompt', ['generate'], {}, undefined, 2, /missing required argument 'prompt'/],
    [
      'authentication: a wrong key',
      ['generate', 'x', '-m', 'dall-e-3'],
      { OPENAI_API_KEY: 'sk-wrong-key-123456' },
      undefined,
      3,
      /401|API key/,
    ],
    ['invalid request: an unknown model', ['generate', 'x', '-m', 'no-such-model'], {}, undefined, 4, /no-such-model/],
    [
      'invalid request: content policy',
      ['generate', 'x', '-m', 'dall-e-3'],
      {},
      { kind: 'content_policy' as const },
      4,
      /safety/,
    ],
    ['quota', ['generate', 'x', '-m', 'dall-e-3'], {}, { kind: 'quota_exceeded' as const }, 5, /quota/i],
    [
      'rate limit',
      ['generate', 'x', '-m', 'dall-e-3'],
      {},
      { kind: 'rate_limit' as const, times: Infinity, retryAfterSeconds: 0 },
      5,
      /rate limit/i,
    ],
    [
      'provider failure',
      ['generate', 'x', '-m', 'dall-e-3'],
      {},
      { kind: 'server_error' as const, times: Infinity, status: 500 },
      6,
      /500/,
    ],
  ])('%s: the right exit code, one clear line, no stack', async (_name, args, env, fault, code, message) => {
    emulator.clearFaults()
    if (fault) emulator.inject({ provider: 'openai', ...fault })
    const cwd = await temporaryFolder()
    const result = await runCli([...args, '-o', 'out'], { cwd, env: cleanEnv(home, { ...openaiEnv, ...env }) })
    emulator.clearFaults()
    expect(result.code).toBe(code)
    expect(result.stderr).toMatch(message)
    expect(result.stderr).not.toMatch(/^\s+at /m)
    expect(result.stderr).not.toContain(emulator.keys.openai!)
  })

  it('--debug adds the stack trace; --json adds the error object on stdout', async () => {
    const cwd = await temporaryFolder()
    const result = await runCli(['generate', 'x', '-m', 'no-such-model', '--debug', '--json'], {
      cwd,
      env: cleanEnv(home),
    })
    expect(result.code).toBe(4)
    expect(result.stderr).toMatch(/^\s+at /m)
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: false, error: { code: 'unknown_model', exitCode: 4 } })
  })
})

describe('llmkit models', () => {
  it('--json lists every bundled model with capabilities and which providers are configured, never a key', async () => {
    const cwd = await temporaryFolder()
    const result = await runCli(['models', '--json'], { cwd, env: cleanEnv(home, openaiEnv) })
    expect(result.code).toBe(0)
    const { providers } = JSON.parse(result.stdout) as {
      providers: {
        id: string
        configured: boolean
        env: { apiKey: string[] }
        models: { qualifiedId: string; maxImagesPerCall: number; options: { seed: boolean } }[]
      }[]
    }
    const openai = providers.find((p) => p.id === 'openai')!
    expect(openai.configured).toBe(true)
    expect(openai.env.apiKey).toEqual(['OPENAI_API_KEY'])
    expect(openai.models.find((m) => m.qualifiedId === 'openai:dall-e-3')).toMatchObject({ maxImagesPerCall: 1 })
    expect(providers.find((p) => p.id === 'local')!.models[0]).toMatchObject({
      qualifiedId: 'local:sketch',
      options: { seed: true },
    })
    expect(result.stdout).not.toContain(emulator.keys.openai!)
  })

  it('marks a provider without its key as not configured, and filters by --provider', async () => {
    const cwd = await temporaryFolder()
    const result = await runCli(['models', '--provider', 'openai'], { cwd, env: cleanEnv(home) })
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('not configured (set OPENAI_API_KEY)')
    expect(result.stdout).not.toContain('local:sketch')
    expect((await runCli(['models', '--provider', 'nope'], { cwd, env: cleanEnv(home) })).code).toBe(2)
  })
})
