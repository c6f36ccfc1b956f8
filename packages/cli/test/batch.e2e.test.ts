import { readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { startEmulator, type Emulator } from '@llmkit/testing'
import { BUNDLED_PROVIDERS } from '@llmkit/sdk'
import type { Manifest } from '../src/manifest'
import { cleanEnv, pngSize, runCli, startCli, temporaryFiles, temporaryFolder, waitFor } from './cli-process'

const FAL_MODEL = 'fal:fal-ai/flux/schnell'
let emulator: Emulator | undefined
afterEach(() => emulator?.close())

async function readManifest(folder: string): Promise<Manifest> {
  return JSON.parse(await readFile(join(folder, 'llmkit-manifest.json'), 'utf8')) as Manifest
}

/** fal's queue on a manual clock: a job stays queued until the test moves the clock. */
async function slowFal(): Promise<{ emulator: Emulator; env: Record<string, string> }> {
  if (!BUNDLED_PROVIDERS.some((provider) => provider.id === 'fal'))
    throw new Error('llmkit does not bundle the fal provider yet: the resume and Ctrl-C tests need a job provider')
  emulator = await startEmulator({ providers: ['fal'], clock: 'manual' })
  return { emulator, env: { FAL_API_KEY: emulator.keys.fal!, FAL_BASE_URL: emulator.env.FAL_BASE_URL! } }
}

/** Submits the emulator received for one prompt (any POST whose body carries it). */
function submitsFor(emulator: Emulator, prompt: string): number {
  return emulator.requestsFor('fal', 'submit').filter((request) => request.body.includes(prompt)).length
}

describe('llmkit batch', () => {
  it('generates every line, writes manifest and gallery, and skips finished items on a second run', async () => {
    const cwd = await temporaryFolder()
    await writeFile(
      join(cwd, 'prompts.jsonl'),
      [
        '{"prompt":"a lake at dawn","seed":1,"size":"64x64"}',
        '# a comment',
        '{"prompt":"a forest at night","seed":2,"size":"96x64","n":2}',
        '{"prompt":"a red sea","seed":3,"size":"64x64"}',
      ].join('\n'),
    )
    const first = await runCli(['batch', 'prompts.jsonl', '-o', 'out', '--concurrency', '2', '--rps', '20'], {
      cwd,
      env: cleanEnv(cwd),
    })
    expect(first.stderr).not.toContain('error')
    expect(first.code).toBe(0)
    expect(first.stdout).toMatch(/done 3, failed 0, skipped 0 in \d+\.\ds/)
    const manifest = await readManifest(join(cwd, 'out'))
    expect(manifest.items.map((item) => [item.line, item.status, item.files])).toEqual([
      [1, 'done', ['a-lake-at-dawn-s1-1.png']],
      [3, 'done', ['a-forest-at-night-s2-1.png', 'a-forest-at-night-s3-2.png']],
      [4, 'done', ['a-red-sea-s3-1.png']],
    ])
    expect(await pngSize(join(cwd, 'out', 'a-forest-at-night-s3-2.png'))).toEqual({ width: 96, height: 64 })
    expect(await readFile(join(cwd, 'out', 'index.html'), 'utf8')).toContain('a-red-sea-s3-1.png')
    const second = await runCli(['batch', 'prompts.jsonl', '-o', 'out', '--json'], { cwd, env: cleanEnv(cwd) })
    expect(JSON.parse(second.stdout)).toMatchObject({ ok: true, done: 0, failed: 0, skipped: 3 })
    expect((await readdir(join(cwd, 'out'))).filter((name) => name.endsWith('.png'))).toHaveLength(4)
  })

  it('records a failed item, exits with its kind, and retries only that item next time', async () => {
    const cwd = await temporaryFolder()
    await writeFile(
      join(cwd, 'prompts.jsonl'),
      '{"prompt":"fine","seed":1,"size":"64x64"}\n{"prompt":"broken","model":"local:nope"}\n',
    )
    const first = await runCli(['batch', 'prompts.jsonl', '-o', 'out', '--rps', '50'], { cwd, env: cleanEnv(cwd) })
    expect(first.code).toBe(4)
    expect(first.stdout).toContain('done 1, failed 1, skipped 0')
    expect(first.stderr).toMatch(/failed line 2: broken: .*nope/)
    const manifest = await readManifest(join(cwd, 'out'))
    expect(manifest.items[1]).toMatchObject({ status: 'failed', error: { code: 'unknown_model' }, attempts: 1 })
    const second = await runCli(['batch', 'prompts.jsonl', '-o', 'out', '--json', '--rps', '50'], {
      cwd,
      env: cleanEnv(cwd),
    })
    expect(JSON.parse(second.stdout)).toMatchObject({ ok: false, done: 0, failed: 1, skipped: 1 })
    expect((await readManifest(join(cwd, 'out'))).items[1]!.attempts).toBe(2)
  })

  it('a malformed prompts file is a usage error naming the line', async () => {
    const cwd = await temporaryFolder()
    await writeFile(join(cwd, 'prompts.jsonl'), '{"prompt":"ok"}\n{"prompt": }\n')
    const result = await runCli(['batch', 'prompts.jsonl'], { cwd, env: cleanEnv(cwd) })
    expect(result.code).toBe(2)
    expect(result.stderr.trim()).toBe('error: line 2: not valid JSON')
  })

  it('resumes a paid job after the process was killed mid-batch, without submitting it again', async () => {
    const { emulator, env } = await slowFal()
    const cwd = await temporaryFolder()
    await writeFile(
      join(cwd, 'prompts.jsonl'),
      `{"prompt":"a quick local sketch","seed":4,"size":"64x64"}\n{"prompt":"a paid fal lighthouse","model":"${FAL_MODEL}","seed":9}\n`,
    )
    const args = ['batch', 'prompts.jsonl', '-o', 'out', '--rps', '50']
    const first = startCli(args, { cwd, env: cleanEnv(cwd, env) })
    const inFlight = await waitFor(
      async () =>
        (await readManifest(join(cwd, 'out'))).items.find((item) => item.model === FAL_MODEL && item.jobs.length === 1),
      15_000,
      'the fal job in the manifest',
    )
    first.child.kill('SIGKILL')
    expect((await first.done).signal).toBe('SIGKILL')
    expect(inFlight.status).toBe('in_flight')
    expect(inFlight.jobs[0]).toMatchObject({ provider: 'fal' })
    expect(submitsFor(emulator, 'a paid fal lighthouse')).toBe(1)

    emulator.advance(10 * 60_000) // the job finishes upstream while nobody watches
    const second = await runCli([...args, '--json'], { cwd, env: cleanEnv(cwd, env) })
    expect(second.stderr).toBe('')
    expect(JSON.parse(second.stdout)).toMatchObject({ ok: true, done: 1, failed: 0, resumed: 1 })
    expect(submitsFor(emulator, 'a paid fal lighthouse')).toBe(1)
    const resumed = (await readManifest(join(cwd, 'out'))).items.find((item) => item.model === FAL_MODEL)!
    expect(resumed).toMatchObject({ status: 'done', jobs: [], attempts: 2, provider: 'fal' })
    await pngSize(join(cwd, 'out', resumed.files[0]!))
  })

  it('Ctrl-C cancels in-flight jobs upstream, exits 130, and leaves a valid manifest and no temporary files', async () => {
    const { emulator, env } = await slowFal()
    const cwd = await temporaryFolder()
    await writeFile(
      join(cwd, 'prompts.jsonl'),
      ['one', 'two', 'three']
        .map((word) => JSON.stringify({ prompt: `interrupted ${word}`, model: FAL_MODEL }))
        .join('\n'),
    )
    const run = startCli(['batch', 'prompts.jsonl', '-o', 'out', '--concurrency', '2', '--rps', '50'], {
      cwd,
      env: cleanEnv(cwd, env),
    })
    await waitFor(
      async () =>
        (await readManifest(join(cwd, 'out'))).items.filter((item) => item.jobs.length === 1).length === 2
          ? true
          : undefined,
      15_000,
      'two jobs in flight',
    )
    run.child.kill('SIGINT')
    const result = await run.done
    expect(result.code).toBe(130)
    expect(result.stderr).toContain('interrupted')
    const manifest = await readManifest(join(cwd, 'out'))
    expect(manifest.items.map((item) => [item.status, item.error?.code])).toEqual([
      ['failed', 'aborted'],
      ['failed', 'aborted'],
    ])
    expect(emulator.requestsFor('fal', 'cancel')).toHaveLength(2)
    expect(await temporaryFiles(join(cwd, 'out'))).toEqual([])
  })
})
