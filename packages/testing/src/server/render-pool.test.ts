import { execFile } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterEach, describe, expect, it } from 'vitest'
import { renderPng } from './render'
import { createRenderPool, type RenderPool, type RenderPoolOptions } from './render-pool'

const pools: RenderPool[] = []
const openPool = (options?: RenderPoolOptions) => {
  const pool = createRenderPool(options)
  pools.push(pool)
  return pool
}
afterEach(async () => {
  await Promise.all(pools.splice(0).map((pool) => pool.close()))
})

/** A CommonJS stand-in for the built renderer, written to a temporary folder. */
function fixtureModule(name: string, source: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'llmkit-render-pool-')), name)
  writeFileSync(path, source)
  return path
}

// Answers `prompt:WxH:seed` as bytes; `crash` ends the worker mid-task, `refuse` throws as the renderer does for a bad size.
const CRASHING_RENDERER = `
exports.renderPng = (prompt, { width, height, seed }) => {
  if (prompt === 'crash') process.exit(7)
  if (prompt === 'refuse') throw new RangeError('cannot draw that')
  return new Uint8Array(Buffer.from(prompt + ':' + width + 'x' + height + ':' + seed))
}
`

describe('render pool: workers', () => {
  it('draws on a worker thread the same bytes as renderPng, large and small (pooled) alike', async () => {
    const pool = openPool()
    expect(pool.threads).toBe(0)
    const large = await pool.render('a red fox by a lake at dusk', 640, 400, 42)
    const small = await pool.render('a lighthouse in a storm', 16, 16, -5)
    expect(pool.mode).toBe('workers')
    expect(pool.threads).toBe(1)
    expect(large.equals(renderPng('a red fox by a lake at dusk', 640, 400, 42))).toBe(true)
    expect(small.equals(renderPng('a lighthouse in a storm', 16, 16, -5))).toBe(true)
  })

  it('resolves many renders in flight at once, each with its own picture, on at most `size` threads', async () => {
    const pool = openPool({ size: 2 })
    const jobs = Array.from({ length: 6 }, (_, index) => ({
      prompt: `${['a forest', 'a city at night', 'snowy mountains'][index % 3]} ${index}`,
      width: 96 + index * 8,
      height: 64,
      seed: index,
    }))
    const pngs = await Promise.all(jobs.map((job) => pool.render(job.prompt, job.width, job.height, job.seed)))
    expect(pool.threads).toBe(2)
    pngs.forEach((png, index) => {
      const job = jobs[index]!
      expect(png.equals(renderPng(job.prompt, job.width, job.height, job.seed)), `render ${index}`).toBe(true)
    })
  })

  it('rejects a render the renderer refuses with its message, and keeps the worker', async () => {
    const pool = openPool()
    await expect(pool.render('a fox', 0, 10, 1)).rejects.toThrow(
      'width and height must be positive whole numbers; got 0x10',
    )
    expect((await pool.render('a fox', 8, 8, 1)).equals(renderPng('a fox', 8, 8, 1))).toBe(true)
    expect(pool.threads).toBe(1)
  })

  it('fails the task of a worker that crashes, replaces the worker and serves the queue behind it', async () => {
    const pool = openPool({ size: 1, modulePath: fixtureModule('crashing.cjs', CRASHING_RENDERER) })
    const [crashed, queued] = await Promise.allSettled([pool.render('crash', 4, 4, 1), pool.render('queued', 4, 4, 2)])
    expect(crashed).toMatchObject({
      status: 'rejected',
      reason: expect.objectContaining({ message: 'emulator render worker crashed: exit code 7' }),
    })
    expect(queued).toMatchObject({ status: 'fulfilled' })
    expect(String((queued as PromiseFulfilledResult<Buffer>).value)).toBe('queued:4x4:2')
    await expect(pool.render('refuse', 4, 4, 3)).rejects.toThrow('cannot draw that')
    expect(String(await pool.render('after', 5, 6, 7))).toBe('after:5x6:7')
    expect(pool.mode).toBe('workers')
    expect(pool.threads).toBe(1)
  })

  it('close() ends every worker, fails renders in flight and refuses new ones', async () => {
    const pool = openPool({ size: 2 })
    await Promise.all([pool.render('a barn', 32, 32, 1), pool.render('a boat', 32, 32, 2)])
    expect(pool.threads).toBe(2)
    const inFlight = expect(pool.render('a very large meadow', 1024, 1024, 3)).rejects.toThrow(
      'emulator render pool is closed',
    )
    await pool.close()
    expect(pool.threads).toBe(0)
    await inFlight
    await expect(pool.render('a barn', 32, 32, 1)).rejects.toThrow('emulator render pool is closed')
  })

  it('does not keep a process alive once its workers are idle', { timeout: 30_000 }, async () => {
    // A child process that renders once and never closes the pool: it must still exit by itself.
    const script = `const { createRenderPool } = await import(${JSON.stringify(join(import.meta.dirname, 'render-pool.ts'))})
const pool = createRenderPool()
const png = await pool.render('a fox', 64, 48, 1)
console.log(pool.mode, pool.threads, png.subarray(1, 4).toString())`
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      { cwd: import.meta.dirname, timeout: 20_000 },
    )
    expect(stdout.trim()).toBe('workers 1 PNG')
  })
})

describe('render pool: in-process fallback', () => {
  it('draws in-process when the built renderer is missing', async () => {
    const pool = openPool({ modulePath: join(tmpdir(), 'llmkit-not-built', 'index.cjs') })
    const png = await pool.render('a red fox', 48, 32, 9)
    expect(png.equals(renderPng('a red fox', 48, 32, 9))).toBe(true)
    expect(pool.mode).toBe('in-process')
    expect(pool.threads).toBe(0)
  })

  it('draws in-process, every queued render included, when workers cannot load the renderer', async () => {
    const pool = openPool({ size: 2, modulePath: fixtureModule('broken.cjs', "throw new Error('dist is stale')") })
    const prompts = ['a pond', 'a desert', 'a harbour']
    const pngs = await Promise.all(prompts.map((prompt) => pool.render(prompt, 40, 30, 1)))
    pngs.forEach((png, index) => expect(png.equals(renderPng(prompts[index]!, 40, 30, 1))).toBe(true))
    expect(pool.mode).toBe('in-process')
    expect(pool.threads).toBe(0)
    await expect(pool.render('a fox', 0, 10, 1)).rejects.toThrow('width and height must be positive')
  })
})
