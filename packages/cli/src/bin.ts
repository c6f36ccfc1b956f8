#!/usr/bin/env node
import { exitWithParents } from '@llmkit/sdk'
import { run } from './index'

// Ctrl-C aborts: core cancels jobs in flight upstream, saves are atomic, the
// manifest stays valid, and the exit code is 130. A second Ctrl-C quits at once.
const controller = new AbortController()
// SIGTERM (a service manager stopping `llmkit worker`) is handled the same way.
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.on(signal, () => {
    if (controller.signal.aborted) process.exit(130)
    controller.abort()
  })

// `pnpm llmkit …` runs this under pnpm, which exits on SIGTERM without passing it on: scripts/llmkit.sh
// names pnpm and itself in LLMKIT_EXIT_WITH, and a parent gone counts as SIGTERM (`llmkit worker` stops).
exitWithParents(process.env.LLMKIT_EXIT_WITH, () => controller.abort())

const code = await run(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
  signal: controller.signal,
})
process.exitCode = code
// Leave time for output to drain, but do not wait on lingering keep-alive sockets.
setTimeout(() => process.exit(code), 200).unref()
