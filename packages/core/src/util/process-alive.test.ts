import { spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { isProcessAlive } from './process-alive'

describe('isProcessAlive', () => {
  it('is true for this process and false for one that has exited', () => {
    expect(isProcessAlive(process.pid)).toBe(true)
    const exited = spawnSync(process.execPath, ['-e', '0']).pid
    expect(isProcessAlive(exited)).toBe(false)
  })

  it('is false for what cannot be a pid', () => {
    for (const pid of [0, -1, 1.5, Number.NaN]) expect(isProcessAlive(pid)).toBe(false)
  })
})
