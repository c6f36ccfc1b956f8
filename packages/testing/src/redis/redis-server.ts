import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { connect, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** Settings for {@link startRedisServer}. */
export interface RedisServerOptions {
  /** The binary. Default `REDIS_SERVER` from the environment, else `redis-server` on the PATH (Debian: /usr/bin/redis-server). */
  binary?: string
  /** Port on 127.0.0.1. Default: a free one. */
  port?: number
  /** `appendfsync`: `always` (default: nothing acknowledged is lost, even on a crash) or `everysec`. */
  appendfsync?: 'always' | 'everysec'
}

/** A real redis-server on loopback, with its data in a temporary folder. */
export interface RedisServer {
  readonly port: number
  /** `redis://127.0.0.1:<port>`. */
  readonly url: string
  /** The folder holding the append-only file. */
  readonly dir: string
  /** Stops the server: `SIGTERM` (clean: the AOF is flushed) or `SIGKILL` (a crash). */
  stop(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>
  /** Starts it again on the same port and data (after `stop`). */
  start(): Promise<void>
  /** Stops it and removes its folder. */
  close(): Promise<void>
}

/** A free port on 127.0.0.1 (free when asked; the server takes it right after). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      )
    })
  })
}

/**
 * Starts `redis-server` on a free loopback port with a temporary folder,
 * persistence by append-only file only (`--save '' --appendonly yes`), so a
 * restart keeps every acknowledged write. For tests; `close()` after.
 */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  const binary = options.binary ?? process.env.REDIS_SERVER ?? 'redis-server'
  const dir = await mkdtemp(join(tmpdir(), 'llmkit-redis-'))
  const port = options.port ?? (await freePort())
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--save',
    '',
    '--appendonly',
    'yes',
    '--appendfsync',
    options.appendfsync ?? 'always',
    '--daemonize',
    'no',
    '--protected-mode',
    'yes',
    '--loglevel',
    'warning',
  ]
  let child: ChildProcess | undefined
  const start = async () => {
    child = await spawnReady(binary, args)
  }
  const stop = async (signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM') => {
    const running = child
    child = undefined
    if (!running || running.exitCode !== null || running.signalCode !== null) return
    const exited = new Promise((resolve) => running.once('exit', resolve))
    running.kill(signal)
    await exited
  }
  await start()
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    dir,
    stop,
    start,
    async close() {
      await stop('SIGTERM')
      await rm(dir, { recursive: true, force: true })
    },
  }
}

/** Spawns the server and waits until it answers PING (after loading its append-only file). */
async function spawnReady(binary: string, args: string[]): Promise<ChildProcess> {
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')))
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')))
  const port = Number(args[args.indexOf('--port') + 1])
  const failed = new Promise<never>((_, reject) => {
    child.once('error', (error) =>
      reject(new Error(`cannot start ${binary} (${error.message}); install Debian's redis-server`)),
    )
    child.once('exit', (code) => reject(new Error(`${binary} exited with ${code}: ${output.trim().slice(-500)}`)))
  })
  failed.catch(() => undefined)
  const deadline = Date.now() + 10_000
  while (!(await answersPing(port))) {
    await Promise.race([new Promise((resolve) => setTimeout(resolve, 25)), failed])
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`${binary} did not answer on port ${port} within 10 s: ${output.trim().slice(-500)}`)
    }
  }
  child.removeAllListeners('exit')
  return child
}

/** Whether a Redis on the port answers PING with PONG (a raw RESP exchange; no client library needed). */
function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    let reply = ''
    const done = (ok: boolean) => {
      socket.destroy()
      resolve(ok)
    }
    socket.setTimeout(500, () => done(false))
    socket.once('error', () => done(false))
    socket.once('connect', () => socket.write('PING\r\n'))
    socket.on('data', (chunk) => {
      reply += chunk.toString('utf8')
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'))
    })
  })
}
