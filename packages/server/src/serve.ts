import type { LLMKitClient } from '@llmkit/core'
import { createGateway, type Gateway, type GatewayAddress, type GatewayOptions } from './gateway'
import { keysFromEnv, loadKeysFile } from './keys'
import { jsonLines } from './request-log'

/** Settings for {@link serveGateway} (what `llmkit serve` does). */
export interface ServeOptions extends Omit<GatewayOptions, 'keys' | 'log'> {
  client: LLMKitClient
  /** Default 127.0.0.1. */
  host?: string
  /** Default 8080; 0 picks a free port. */
  port?: number
  /** A keys.json; default: `LLMKIT_GATEWAY_KEYS` (comma-separated keys). */
  keysFile?: string
  /** The banner and the JSON log lines. */
  stdout?: NodeJS.WritableStream
  /** Warnings. */
  stderr?: NodeJS.WritableStream
  /** How long in-flight requests may take to finish after SIGTERM/SIGINT. Default 10 s. */
  graceMs?: number
  /** Stop on SIGTERM and SIGINT. Default true. */
  handleSignals?: boolean
}

/** A gateway started by {@link serveGateway}. */
export interface ServingGateway {
  gateway: Gateway
  address: GatewayAddress
  /** Resolves once the gateway stopped (after a signal or `close()`). */
  stopped: Promise<void>
  close(): Promise<void>
}

/**
 * Starts a gateway the way `llmkit serve` does: keys from `--keys` or the
 * environment, the listening line once it accepts connections, a graceful stop
 * on SIGTERM/SIGINT.
 */
export async function serveGateway(options: ServeOptions): Promise<ServingGateway> {
  const env = options.env ?? process.env
  const stdout = options.stdout ?? process.stdout
  const stderr = options.stderr ?? process.stderr
  const keys = options.keysFile ? await loadKeysFile(options.keysFile) : keysFromEnv(env.LLMKIT_GATEWAY_KEYS)
  const log = jsonLines(stdout)
  const gateway = createGateway({ ...options, env, keys, log })
  let address: GatewayAddress
  try {
    address = await gateway.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 8080 })
  } catch (error) {
    await gateway.close({ graceMs: 0 })
    throw error
  }
  if (!gateway.isAuthEnabled) {
    stderr.write(
      'llmkit gateway: no gateway keys (LLMKIT_GATEWAY_KEYS or --keys keys.json), so no auth: listening on loopback only\n',
    )
  }
  stdout.write(`llmkit gateway listening on ${address.url}\n`)
  let resolveStopped!: () => void
  const stopped = new Promise<void>((resolve) => (resolveStopped = resolve))
  const close = async () => {
    await gateway.close({ graceMs: options.graceMs ?? 10_000 })
    resolveStopped()
  }
  if (options.handleSignals ?? true) {
    const onSignal = (signal: NodeJS.Signals) => {
      stderr.write(`llmkit gateway: ${signal}, finishing requests in flight\n`)
      process.off('SIGTERM', onSignal)
      process.off('SIGINT', onSignal)
      void close()
    }
    process.on('SIGTERM', onSignal)
    process.on('SIGINT', onSignal)
  }
  return { gateway, address, stopped, close }
}
