import { readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { startEmulator, type Emulator } from '@llmkit/testing'
import { openManifest, type Manifest } from '../src/manifest'
import { cleanEnv, runCli, startCli, temporaryFiles, temporaryFolder } from './cli-process'

let emulator: Emulator | undefined
afterEach(() => emulator?.close())

async function readManifest(folder: string): Promise<Manifest> {
  return JSON.parse(await readFile(join(folder, 'llmkit-manifest.json'), 'utf8')) as Manifest
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('llmkit batch killed with SIGKILL at random moments', () => {
  it('sends each item at most once over 8 kills and resumes; sync requests cut off are in_doubt', async () => {
    // fal: a job API (submit answers at once, the job takes ~1 s); openai: synchronous, each request held 300 ms.
    emulator = await startEmulator({
      providers: ['fal', 'openai'],
      timing: { queueMs: 300, runMs: 600, initialPosition: 1 },
      faults: [{ kind: 'latency', provider: 'openai', endpoint: 'generate', delayMs: 300, times: Infinity }],
    })
    const env = cleanEnv(await temporaryFolder(), {
      FAL_API_KEY: emulator.keys.fal!,
      FAL_BASE_URL: emulator.env.FAL_BASE_URL!,
      OPENAI_API_KEY: emulator.keys.openai!,
      OPENAI_BASE_URL: emulator.env.OPENAI_BASE_URL!,
    })
    const cwd = await temporaryFolder()
    const lines = Array.from({ length: 8 }, (_, index) => [
      { prompt: `job item ${index}`, model: 'fal:fal-ai/flux/schnell', seed: index, size: '64x64' },
      { prompt: `sync item ${index}`, model: 'openai:dall-e-2', size: '256x256' },
    ]).flat()
    await writeFile(join(cwd, 'prompts.jsonl'), lines.map((line) => JSON.stringify(line)).join('\n'))
    const args = ['batch', 'prompts.jsonl', '-o', 'out', '--concurrency', '4', '--rps', '50', '--json']

    let kills = 0
    for (let round = 0; round < 8; round++) {
      const run = startCli(args, { cwd, env })
      // Wait for the run's first request (Node and the CLI take a while to start), then kill at a random moment.
      const before = emulator.requests.length
      for (let waited = 0; emulator.requests.length === before && waited < 10_000; waited += 20) await sleep(20)
      await Promise.race([sleep(Math.random() * 700), run.done])
      if (run.child.exitCode === null && run.child.signalCode === null) {
        run.child.kill('SIGKILL')
        kills += 1
      }
      await run.done
    }
    const last = await runCli(args, { cwd, env })
    expect(last.stderr).toBe('')
    const summary = JSON.parse(last.stdout) as { done: number; failed: number; inDoubt: number }

    const sent = (endpoint: string, prompt: string) =>
      emulator!
        .requestsFor(endpoint === 'submit' ? 'fal' : 'openai', endpoint)
        .filter((request) => request.body.includes(`"${prompt}"`)).length
    const manifest = await readManifest(join(cwd, 'out'))
    const byPrompt = new Map(manifest.items.map((item) => [item.prompt, item]))
    let inDoubt = 0
    let jobsInDoubt = 0
    for (const line of lines) {
      const item = byPrompt.get(line.prompt)!
      const isJob = line.model.startsWith('fal:')
      const requests = sent(isJob ? 'submit' : 'generate', line.prompt)
      // At most once, whatever the kills did.
      expect(requests, `${line.prompt} sent ${requests} times`).toBeLessThanOrEqual(1)
      expect(['done', 'in_doubt']).toContain(item.status)
      if (item.status === 'done') expect(requests).toBe(1)
      if (item.status === 'in_doubt') {
        inDoubt += 1
        if (isJob) jobsInDoubt += 1
        expect(item.error?.code).toBe('in_doubt')
      }
      // A sync request that reached the emulator without its item finishing is in doubt, never sent again.
      if (!isJob && requests === 1 && item.status !== 'done') expect(item.status).toBe('in_doubt')
    }
    expect(summary).toMatchObject({ done: expect.any(Number), failed: 0, inDoubt })
    expect(manifest.items.filter((item) => item.status === 'done')).toHaveLength(lines.length - inDoubt)
    expect(await temporaryFiles(join(cwd, 'out'))).toEqual([])
    expect((await readdir(join(cwd, 'out'))).filter((name) => name.endsWith('.tmp'))).toEqual([])
    console.info(
      `batch kill test: ${kills} kills, ${inDoubt} of ${lines.length} items in doubt (${jobsInDoubt} job items)`,
    )
  }, 120_000) // ~25 s on an idle machine; Node start-up per run dominates under load
})

describe('llmkit batch: a synchronous request cut off by SIGKILL', () => {
  it('is in_doubt in the summary and the manifest, skipped by default, sent again only with --retry-in-doubt', async () => {
    emulator = await startEmulator({
      providers: ['openai'],
      faults: [{ kind: 'stall', provider: 'openai', endpoint: 'generate' }],
    })
    const env = cleanEnv(await temporaryFolder(), {
      OPENAI_API_KEY: emulator.keys.openai!,
      OPENAI_BASE_URL: emulator.env.OPENAI_BASE_URL!,
    })
    const cwd = await temporaryFolder()
    await writeFile(
      join(cwd, 'prompts.jsonl'),
      '{"prompt":"a held request","model":"openai:dall-e-2","size":"256x256"}\n{"prompt":"a local one","seed":1,"size":"64x64"}\n',
    )
    const args = ['batch', 'prompts.jsonl', '-o', 'out', '--rps', '50', '--json']
    const first = startCli(args, { cwd, env })
    for (let waited = 0; emulator.requestsFor('openai', 'generate').length === 0 && waited < 15_000; waited += 20)
      await sleep(20)
    first.child.kill('SIGKILL')
    await first.done
    // The local item may have finished before the kill (it starts 20 ms after the held one): then it is not redone.
    const recorded = (await openManifest(join(cwd, 'out'))).manifest.items
    const localDone = recorded.some((entry) => entry.prompt === 'a local one' && entry.status === 'done')

    const second = await runCli(args, { cwd, env })
    expect(second.code).toBe(6)
    expect(JSON.parse(second.stdout)).toMatchObject({ ok: false, done: localDone ? 0 : 1, failed: 0, inDoubt: 1 })
    const local = (await readManifest(join(cwd, 'out'))).items.find((entry) => entry.prompt === 'a local one')
    expect(local?.status).toBe('done')
    const item = (await readManifest(join(cwd, 'out'))).items.find((entry) => entry.prompt === 'a held request')!
    expect(item).toMatchObject({ status: 'in_doubt', error: { code: 'in_doubt' } })
    expect(emulator.requestsFor('openai', 'generate')).toHaveLength(1)

    const third = await runCli(args, { cwd, env })
    expect(JSON.parse(third.stdout)).toMatchObject({ done: 0, inDoubt: 1 })
    expect(emulator.requestsFor('openai', 'generate')).toHaveLength(1)

    const retried = await runCli([...args, '--retry-in-doubt'], { cwd, env })
    expect(JSON.parse(retried.stdout)).toMatchObject({ ok: true, done: 1, inDoubt: 0 })
    expect(emulator.requestsFor('openai', 'generate')).toHaveLength(2)
    expect(await temporaryFiles(join(cwd, 'out'))).toEqual([])
  }, 90_000)
})
