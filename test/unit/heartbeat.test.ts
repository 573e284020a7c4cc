import { systemClock } from '../../src/clock'
import { Heartbeat } from '../../src/heartbeat'

describe('Heartbeat', () => {
  beforeEach(() => jest.useFakeTimers())
  afterEach(() => jest.useRealTimers())

  const make = () => {
    const hooks = { ping: jest.fn(), dead: jest.fn() }
    return { hooks, hb: new Heartbeat(1000, 500, systemClock, hooks) }
  }

  it('pings after interval ms of silence', () => {
    const { hooks, hb } = make()
    hb.start()
    jest.advanceTimersByTime(999)
    expect(hooks.ping).not.toHaveBeenCalled()
    jest.advanceTimersByTime(1)
    expect(hooks.ping).toHaveBeenCalledTimes(1)
  })

  it('counts any frame as life and postpones the ping', () => {
    const { hooks, hb } = make()
    hb.start()
    jest.advanceTimersByTime(800)
    hb.seen()
    jest.advanceTimersByTime(800)
    expect(hooks.ping).not.toHaveBeenCalled()
    jest.advanceTimersByTime(200)
    expect(hooks.ping).toHaveBeenCalledTimes(1)
  })

  it('declares the link dead when nothing arrives within timeout after the ping', () => {
    const { hooks, hb } = make()
    hb.start()
    jest.advanceTimersByTime(1000 + 499)
    expect(hooks.dead).not.toHaveBeenCalled()
    jest.advanceTimersByTime(1)
    expect(hooks.dead).toHaveBeenCalledTimes(1)
    jest.advanceTimersByTime(10_000)
    expect(hooks.dead).toHaveBeenCalledTimes(1)
    expect(hooks.ping).toHaveBeenCalledTimes(1)
  })

  it('keeps the link when a frame answers the ping, and pings again after the next silence', () => {
    const { hooks, hb } = make()
    hb.start()
    jest.advanceTimersByTime(1100)
    hb.seen()
    jest.advanceTimersByTime(1000)
    expect(hooks.dead).not.toHaveBeenCalled()
    expect(hooks.ping).toHaveBeenCalledTimes(2)
  })

  it('does not count suspended time as silence: a late deadline pings again', () => {
    const { hooks, hb } = make()
    hb.start()
    jest.advanceTimersByTime(1000)
    expect(hooks.ping).toHaveBeenCalledTimes(1)
    // The process is suspended: the clock jumps 60 s and the deadline fires late.
    jest.setSystemTime(Date.now() + 60_000)
    jest.advanceTimersByTime(500)
    expect(hooks.dead).not.toHaveBeenCalled()
    expect(hooks.ping).toHaveBeenCalledTimes(2)
    jest.advanceTimersByTime(500)
    expect(hooks.dead).toHaveBeenCalledTimes(1)
  })

  it('probe() pings at once and expects life within timeout', () => {
    const { hooks, hb } = make()
    hb.start()
    hb.probe()
    expect(hooks.ping).toHaveBeenCalledTimes(1)
    jest.advanceTimersByTime(500)
    expect(hooks.dead).toHaveBeenCalledTimes(1)
  })

  it('stop() clears its timer', () => {
    const { hooks, hb } = make()
    hb.start()
    hb.stop()
    expect(jest.getTimerCount()).toBe(0)
    hb.probe()
    expect(hooks.ping).not.toHaveBeenCalled()
  })
})

describe('Heartbeat wake-ups', () => {
  beforeEach(() => jest.useFakeTimers())
  afterEach(() => jest.useRealTimers())

  it('fires one timer per ping on an idle link whose pings are answered (about 144 an hour at 25 s)', () => {
    let fired = 0
    const clock = {
      now: () => Date.now(),
      setTimeout: (fn: () => void, ms: number) => setTimeout(() => (fired++, fn()), ms),
      clearTimeout: (handle: unknown) => clearTimeout(handle as ReturnType<typeof setTimeout>),
    }
    let pings = 0
    // The pong comes back 50 ms after each ping (on a timer the count leaves out: it is the server's).
    const ping = () => void (pings++, setTimeout(() => hb.seen(), 50))
    const hb: Heartbeat = new Heartbeat(25_000, 10_000, clock, { ping, dead: jest.fn() })
    hb.start()
    jest.advanceTimersByTime(3_600_000)
    expect(pings).toBe(143) // 3,600 s / 25.05 s
    expect(fired).toBe(pings)
  })
})
