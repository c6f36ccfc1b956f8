import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const script = fileURLToPath(new URL('./gateway-process.mjs', import.meta.url))

/** A gateway child process, started with `env` and ready to take requests. */
export interface GatewayProcess {
  child: ChildProcess
  url: string
  output(): string
  exited: Promise<number | null>
}

/** Spawns test/gateway-process.mjs (the built packages: run `pnpm build` first) and waits for its listening line. */
export async function spawnGateway(env: Record<string, string>, args: string[] = []): Promise<GatewayProcess> {
  const child = spawn(process.execPath, [script, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`gateway did not start:\n${output}`)), 30_000)
    const onData = () => {
      const match = /llmkit gateway listening on (http:\/\/\S+)/.exec(output)
      if (match) {
        clearTimeout(timer)
        child.stdout!.off('data', onData)
        resolve(match[1]!)
      }
    }
    child.stdout!.on('data', onData)
    void exited.then(() => reject(new Error(`gateway exited:\n${output}`)))
  })
  return { child, url, output: () => output, exited }
}
