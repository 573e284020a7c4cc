/**
 * Resolves when `predicate()` holds, checking every 5 ms (a poll, not a
 * fixed sleep); rejects with "timed out waiting for <what>" after `timeout` ms of real time.
 * Not for fake timers: there, advance the clock (`jest.advanceTimersByTime`) and assert.
 */
export function waitFor(predicate: () => boolean, options: { timeout?: number; what?: string } = {}): Promise<void> {
  const { timeout = 10_000, what = 'condition' } = options
  const started = Date.now()
  return new Promise((resolve, reject) => {
    const check = (): void => {
      let ok: boolean
      try {
        ok = predicate()
      } catch (error) {
        return reject(error instanceof Error ? error : new Error(String(error)))
      }
      if (ok) return resolve()
      if (Date.now() - started > timeout) return reject(new Error(`timed out waiting for ${what}`))
      setTimeout(check, 5)
    }
    check()
  })
}
