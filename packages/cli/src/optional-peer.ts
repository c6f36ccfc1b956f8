import { UsageError } from './exit-codes'

/** The line printed when `feature` needs an optional peer of the CLI that is not installed. */
export function installHint(name: string, feature: string, dev = false): string {
  const flag = dev ? ' -D' : ''
  return `${feature} needs ${name}: npm i${flag} ${name} (pnpm add${flag} ${name})`
}

/**
 * Imports an optional peer (`@llmkit/queue`, `@llmkit/testing`) only when a command needs it; when it is
 * not installed, a usage error (exit 2) says exactly what to install. Other failures pass through.
 */
export async function importOptionalPeer<T>(
  name: string,
  load: () => Promise<T>,
  feature: string,
  dev = false,
): Promise<T> {
  try {
    return await load()
  } catch (error) {
    const code = (error as { code?: unknown }).code
    const missing = code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND'
    if (missing && String((error as Error).message).includes(`'${name}'`))
      throw new UsageError(installHint(name, feature, dev))
    throw error
  }
}
