import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, readFile, readdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The built bin the tests run, as users do: `node dist/bin.js`. */
export const CLI = fileURLToPath(new URL('../dist/bin.js', import.meta.url))

export interface CliResult {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

/** A fresh temporary folder. */
export function temporaryFolder(prefix = 'llmkit-cli-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix))
}

/** A clean environment: no keys from the machine running the tests, its own cache, no colours. */
export function cleanEnv(home: string, extra: Record<string, string> = {}): Record<string, string> {
  return { PATH: process.env.PATH ?? '', HOME: home, XDG_CACHE_HOME: join(home, 'cache'), NO_COLOR: '1', ...extra }
}

/** Starts the CLI; `done` resolves when it exits. */
export function startCli(
  args: readonly string[],
  options: { cwd: string; env: Record<string, string> },
): { child: ChildProcess; done: Promise<CliResult>; output(): { stdout: string; stderr: string } } {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')))
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')))
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }))
  })
  return { child, done, output: () => ({ stdout, stderr }) }
}

/** Runs the CLI to the end. */
export function runCli(
  args: readonly string[],
  options: { cwd: string; env: Record<string, string> },
): Promise<CliResult> {
  return startCli(args, options).done
}

/** Width and height from a PNG's IHDR, or throws when the bytes are not a PNG. */
export async function pngSize(path: string): Promise<{ width: number; height: number }> {
  const bytes = await readFile(path)
  if (!bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])))
    throw new Error(`${path} is not a PNG`)
  if (bytes.subarray(12, 16).toString('ascii') !== 'IHDR') throw new Error(`${path} has no IHDR`)
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) }
}

/** Polls `check` until it returns a value (or the time runs out). */
export async function waitFor<T>(
  check: () => Promise<T | undefined>,
  timeoutMs = 15_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await check().catch(() => undefined)
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/** Files left behind by an interrupted atomic write. */
export async function temporaryFiles(folder: string): Promise<string[]> {
  return (await readdir(folder)).filter((name) => name.endsWith('.tmp'))
}
