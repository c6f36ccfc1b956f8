import type { LLMKitClient } from '@llmkit/core'
import type { FileStore } from './file-store'
import type { JobRunner } from './job-runner'
import type { JobStore } from './job-store'
import type { KeyLimiter } from './key-limiter'
import type { GatewayKey } from './keys'
import type { GatewayMetrics } from './metrics'
import type { GatewayLogger } from './request-log'

/** Per-request values the middleware and handlers share. */
export interface GatewayEnv {
  Variables: {
    requestId: string
    key: GatewayKey | undefined
    route: string
    provider: string
    model: string
    errorCode: string | undefined
  }
}

/** Everything the routes work with, made once per gateway. */
export interface GatewayServices {
  client: LLMKitClient
  files: FileStore
  jobs: JobRunner
  store: JobStore
  limiter: KeyLimiter
  metrics: GatewayMetrics
  log: GatewayLogger
  isAuthEnabled: boolean
  publicURL: string | undefined
  maxPromptLength: number
  fileTtlMs: number
  requestTimeoutMs: number | undefined
  /** Counts requests still being answered (streams until their end), for graceful shutdown. */
  track<T>(work: Promise<T>): Promise<T>
  readonly isClosing: boolean
  /** Aborts when the gateway starts shutting down: event streams end instead of holding the drain. */
  readonly closingSignal: AbortSignal
}
