import type { ImageProvider } from '@llmkit/sdk'
import type { EmulatedProvider } from '@llmkit/testing'

/** Where the CLI reads and writes; `run()` takes one so tests need no child process. */
export interface CliIO {
  /** Default `process.stdout`. */
  stdout?: NodeJS.WritableStream
  /** Default `process.stderr`. */
  stderr?: NodeJS.WritableStream
  /** Environment variables (keys, `<PROVIDER>_BASE_URL`). Default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>
  /** Folder relative paths start from. Default `process.cwd()`. */
  cwd?: string
  /** Aborting it stops the command like Ctrl-C does (exit code 130). */
  signal?: AbortSignal
  /** Provider plugins to use beside the bundled ones (as `--provider <module>` loads them). */
  providers?: readonly ImageProvider[]
  /** Emulators of those plugins' APIs, served under `--emulator`. */
  emulators?: readonly EmulatedProvider[]
}
