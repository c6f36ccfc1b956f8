import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))

function newestSource(folder: string): number {
  return Math.max(
    ...readdirSync(folder, { withFileTypes: true }).map((entry) =>
      entry.isDirectory()
        ? newestSource(join(folder, entry.name))
        : entry.name.endsWith('.test.ts')
          ? 0
          : statSync(join(folder, entry.name)).mtimeMs,
    ),
  )
}

/** Builds dist/bin.js when it is missing or stale; checks that the packages it imports are built. */
export default function setup(): void {
  const bin = join(root, 'dist', 'bin.js')
  if (
    !existsSync(bin) ||
    statSync(bin).mtimeMs < Math.max(newestSource(join(root, 'src')), statSync(join(root, 'package.json')).mtimeMs)
  ) {
    execFileSync('npx', ['tsup'], { cwd: root, stdio: 'inherit' })
  }
  // The bin imports the built packages (and every provider llmkit bundles): fail early and say what to do.
  try {
    execFileSync(
      process.execPath,
      ['--input-type=module', '-e', "await import('@llmkit/sdk'); await import('@llmkit/testing')"],
      { cwd: root, stdio: 'pipe' },
    )
  } catch (error) {
    const detail =
      String((error as { stderr?: Buffer }).stderr ?? error)
        .split('\n')
        .find((line) => line.includes('Error')) ?? ''
    throw new Error(
      `The packages the CLI imports are not built (${detail.trim()}): run \`pnpm --filter "@llmkit/cli^..." run build\` from the repository root first`,
    )
  }
}
