import { LLMKitError, isAbortError, type LLMKitErrorCode } from '@llmkit/sdk'

/** The process exit codes of `llmkit`, one per kind of failure. */
export const ExitCode = {
  Ok: 0,
  /** Bad command line: unknown option, missing argument, malformed value. */
  Usage: 2,
  /** The provider rejected the key (or none is set). */
  Authentication: 3,
  /** The request itself is wrong: unknown model, unsupported setting, content policy. */
  InvalidRequest: 4,
  /** Rate limit or quota: wait, or raise the plan. */
  RateLimited: 5,
  /** The provider failed, the network failed, or the deadline passed. */
  Failure: 6,
  /** Ctrl-C (SIGINT): stopped on request. */
  Interrupted: 130,
} as const
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode]

const BY_CODE: Readonly<Record<LLMKitErrorCode, ExitCode>> = {
  invalid_request: ExitCode.InvalidRequest,
  unknown_model: ExitCode.InvalidRequest,
  content_policy: ExitCode.InvalidRequest,
  authentication: ExitCode.Authentication,
  rate_limited: ExitCode.RateLimited,
  quota_exceeded: ExitCode.RateLimited,
  provider_error: ExitCode.Failure,
  network: ExitCode.Failure,
  timeout: ExitCode.Failure,
  no_image: ExitCode.Failure,
  aborted: ExitCode.Interrupted,
}

/** A command-line mistake the user can fix by changing the arguments. */
export class UsageError extends Error {
  override readonly name = 'UsageError'
}

/** The exit code for any thrown value. */
export function exitCodeFor(error: unknown): ExitCode {
  if (error instanceof UsageError) return ExitCode.Usage
  if (isAbortError(error)) return ExitCode.Interrupted
  if (LLMKitError.isInstance(error)) return BY_CODE[error.code] ?? ExitCode.Failure
  return ExitCode.Failure
}

/** A short name of the failure kind, for `--json` output and the manifest. */
export function errorCodeOf(error: unknown): string {
  if (error instanceof UsageError) return 'usage'
  if (isAbortError(error)) return 'aborted'
  if (LLMKitError.isInstance(error)) return error.code
  return 'internal'
}

/** One line for a person: what went wrong (never a stack; keys are already redacted by core). */
export function describeError(error: unknown): string {
  if (isAbortError(error)) return 'interrupted'
  const message = error instanceof Error ? error.message : String(error)
  return message.replace(/\s*\n\s*/g, ' ').trim()
}

/** Plain data for `--json` and the manifest. */
export function errorToJSON(error: unknown): {
  code: string
  message: string
  exitCode: number
  provider?: string
  status?: number
} {
  const data: { code: string; message: string; exitCode: number; provider?: string; status?: number } = {
    code: errorCodeOf(error),
    message: describeError(error),
    exitCode: exitCodeFor(error),
  }
  if (LLMKitError.isInstance(error)) {
    if (error.provider) data.provider = error.provider
    if (error.status) data.status = error.status
  }
  return data
}
