import { spawn } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { exitWithParents } from './exit-with-parents'

describe('exitWithParents', () => {
  it('calls stop once a watched process is gone, not before', async () => {
    const watched = spawn('sleep', ['30'], { stdio: 'ignore' })
    let stopped = false
    const done = new Promise<void>((resolve) =>
      exitWithParents(`${process.pid},${watched.pid}`, () => ((stopped = true), resolve()), 20),
    )
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(stopped).toBe(false)
    watched.kill('SIGKILL')
    await new Promise((resolve) => watched.once('exit', resolve))
    await done
    expect(stopped).toBe(true)
  })

  it('watches nothing without pids', () => {
    expect(() => exitWithParents(undefined, () => expect.fail('stopped'))).not.toThrow()
    expect(() => exitWithParents('0,1,x', () => expect.fail('stopped'))).not.toThrow()
  })
})
