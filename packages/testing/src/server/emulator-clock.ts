/**
 * The emulators' time. `real` follows the wall clock; a manual clock moves
 * only when the test calls `advance`, so job states change exactly when the test says.
 */
export interface EmulatorClock {
  now(): number
  /** Moves a manual clock forward (no effect on a real clock). */
  advance(ms: number): void
  readonly isManual: boolean
}

export function realClock(): EmulatorClock {
  return { now: () => Date.now(), advance: () => undefined, isManual: false }
}

export function manualClock(start = Date.now()): EmulatorClock {
  let current = start
  return {
    now: () => current,
    advance(ms: number) {
      current += ms
    },
    isManual: true,
  }
}
