import type { Clock } from '../types'

export type { Clock }

/** The global timers and `Date.now` (present in mini-programs, browsers and Node alike). */
export const defaultClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
}
