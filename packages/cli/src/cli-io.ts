/** Where the CLI reads and writes; `run()` takes one so tests need no child process. */
export interface CliIO {
  stdout: NodeJS.WritableStream
  stderr: NodeJS.WritableStream
  /** Environment variables (keys, `<PROVIDER>_BASE_URL`). Default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>
  /** Folder relative paths start from. Default `process.cwd()`. */
  cwd?: string
  /** Aborting it stops the command like Ctrl-C does (exit code 130). */
  signal?: AbortSignal
}
