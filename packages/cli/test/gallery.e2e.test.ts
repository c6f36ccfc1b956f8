import { existsSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { chromium, type Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cleanEnv, runCli, temporaryFolder } from './cli-process'

/** Debian's chromium; `pnpm test` installs it with scripts/ensure-system-deps.sh. Missing means failure, never a skip. */
const CHROMIUM = '/usr/bin/chromium'
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]
export const SCREENSHOT = '/tmp/llmkit-gallery.png'

const PROMPTS = [
  { prompt: 'a lake at dawn with mountains', seed: 11, size: '192x128' },
  { prompt: '<b>bold</b> & "quoted" city at night', seed: 12, size: '128x128' },
  { prompt: 'café crème sunset · 日本の山 / slashes', seed: 13, size: '128x192' },
]

let browser: Browser
beforeAll(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing: run scripts/ensure-system-deps.sh (installs Debian's chromium)`)
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS })
})
afterAll(() => browser?.close())

describe('the gallery in headless Chromium', () => {
  it('renders every image and captions each with its prompt, model, seed and size', async () => {
    const cwd = await temporaryFolder()
    await writeFile(join(cwd, 'prompts.jsonl'), PROMPTS.map((line) => JSON.stringify(line)).join('\n'))
    const result = await runCli(['batch', 'prompts.jsonl', '-o', 'gallery out', '--rps', '50'], {
      cwd,
      env: cleanEnv(cwd),
    })
    expect(result.code).toBe(0)

    const page = await browser.newPage({ viewport: { width: 1100, height: 700 } })
    const outside: string[] = []
    page.on('request', (request) => void (request.url().startsWith('file:') || outside.push(request.url())))
    await page.goto(pathToFileURL(join(cwd, 'gallery out', 'index.html')).href, { waitUntil: 'load' })
    const figures = await page.$$eval('figure', (nodes) =>
      nodes.map((figure) => {
        const image = figure.querySelector('img')!
        return {
          complete: image.complete,
          naturalWidth: image.naturalWidth,
          naturalHeight: image.naturalHeight,
          prompt: figure.querySelector('.prompt')!.textContent,
          details: figure.querySelector('.details')!.textContent,
        }
      }),
    )
    expect(figures).toEqual(
      PROMPTS.map(({ prompt, seed, size }) => {
        const [width, height] = size.split('x').map(Number)
        return {
          complete: true,
          naturalWidth: width,
          naturalHeight: height,
          prompt,
          details: `local:sketch · seed ${seed} · ${width}×${height}`,
        }
      }),
    )
    expect(await page.$$('script')).toHaveLength(0) // the prompt's markup stayed text
    expect(outside).toEqual([])
    await page.screenshot({ path: SCREENSHOT, fullPage: true })
    await page.close()
  })
})
