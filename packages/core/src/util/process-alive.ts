import type { writeFileAtomic } from './atomic-write'

/**
 * Whether a process with this pid exists on this machine (`EPERM`: it does,
 * under another user). For lock files and the temporary files of
 * {@link writeFileAtomic}, which carry the writer's pid.
 */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false
  if (pid === process.pid) return true
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}
