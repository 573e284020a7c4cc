import { ChatSocket, DEFAULTS } from '../../src'
import { resolveOptions } from '../../src/options'
import { fakeConnectSocket } from '../helpers/fake-socket-task'
import { memoryStorage } from '../helpers/memory-storage'

const base = () => ({ url: 'ws://example.test/ws', connectSocket: fakeConnectSocket(), autoConnect: false, lifecycle: false })

describe('resolveOptions', () => {
  it('sets defaults', () => {
    const o = resolveOptions(base())
    expect(o.autoConnect).toBe(false)
    expect(o.ack).toBe(true)
    expect(o.heartbeat).toEqual({ interval: 25000, timeout: 10000 })
    expect(o.reconnect).toEqual({ minDelay: 1000, maxDelay: 30000, factor: 2, jitter: 0.5, maxAttempts: Infinity, minUptime: 5000 })
    expect(o.queue).toEqual({ maxSize: 1000, sendTimeout: 15000, offlineTimeout: 86_400_000, rate: Infinity, burst: 20 })
    expect(o.persist).toBeNull()
    expect(o.passThrough).toEqual({ timeout: 10000 })
    expect(o.lifecycle).toBeNull()
    expect(DEFAULTS.autoConnect).toBe(true)
    expect(DEFAULTS.lifecycle).toBe(true)
  })

  it('keeps a 0 the user gave instead of replacing it with the default', () => {
    const o = resolveOptions({ ...base(), reconnect: { minDelay: 0, jitter: 0, minUptime: 0, maxAttempts: 0 } })
    expect(o.reconnect).toMatchObject({ minDelay: 0, jitter: 0, minUptime: 0, maxAttempts: 0, maxDelay: 30000 })
  })

  it('merges partial sections over the defaults and treats undefined fields as absent', () => {
    const o = resolveOptions({ ...base(), heartbeat: { interval: 5000, timeout: undefined }, queue: { maxSize: 3 } })
    expect(o.heartbeat).toEqual({ interval: 5000, timeout: 10000 })
    expect(o.queue).toEqual({ maxSize: 3, sendTimeout: 15000, offlineTimeout: 86_400_000, rate: Infinity, burst: 20 })
  })

  it('turns heartbeat and reconnect off with false', () => {
    const o = resolveOptions({ ...base(), heartbeat: false, reconnect: false })
    expect(o.heartbeat).toBe(false)
    expect(o.reconnect).toBe(false)
  })

  it('calls a clock given as a class instance as a method (its now() may use this)', () => {
    class OffsetClock {
      constructor(private readonly base: number) {}
      now(): number {
        return this.base + 1
      }
      setTimeout(fn: () => void, ms: number): unknown {
        return setTimeout(fn, ms)
      }
      clearTimeout(handle: unknown): void {
        clearTimeout(handle as ReturnType<typeof setTimeout>)
      }
    }
    const o = resolveOptions({ ...base(), clock: new OffsetClock(36 ** 3) })
    expect(o.generateId()).toMatch(/^1001/)
  })

  it('uses the global wx for connectSocket and lifecycle when present', () => {
    const connectSocket = fakeConnectSocket()
    const wx = { connectSocket, onAppShow: jest.fn(), onAppHide: jest.fn() }
    ;(globalThis as { wx?: unknown }).wx = wx
    try {
      const o = resolveOptions({ url: 'ws://x' })
      o.connectSocket({ url: 'ws://x' })
      expect(connectSocket.tasks).toHaveLength(1)
      expect(o.lifecycle).toBe(wx)
    } finally {
      delete (globalThis as { wx?: unknown }).wx
    }
  })
})

describe('bad options', () => {
  const cases: Array<[string, object, ErrorConstructor, RegExp]> = [
    ['no url', { url: undefined }, TypeError, /options\.url/],
    ['empty url', { url: '' }, TypeError, /options\.url/],
    ['url of the wrong type', { url: 42 }, TypeError, /options\.url/],
    ['header of the wrong type', { header: 'Bearer x' }, TypeError, /options\.header/],
    ['no connectSocket outside WeChat', { connectSocket: undefined }, TypeError, /options\.connectSocket/],
    ['connectSocket not a function', { connectSocket: {} }, TypeError, /options\.connectSocket/],
    ['zero heartbeat interval', { heartbeat: { interval: 0 } }, RangeError, /heartbeat\.interval/],
    ['negative heartbeat timeout', { heartbeat: { timeout: -5 } }, RangeError, /heartbeat\.timeout/],
    ['NaN heartbeat interval', { heartbeat: { interval: NaN } }, TypeError, /heartbeat\.interval/],
    ['heartbeat: true', { heartbeat: true }, TypeError, /options\.heartbeat/],
    ['minDelay above maxDelay', { reconnect: { minDelay: 5000, maxDelay: 1000 } }, RangeError, /reconnect\.minDelay/],
    ['negative minDelay', { reconnect: { minDelay: -1 } }, RangeError, /reconnect\.minDelay/],
    ['factor below 1', { reconnect: { factor: 0.5 } }, RangeError, /reconnect\.factor/],
    ['jitter above 1', { reconnect: { jitter: 1.5 } }, RangeError, /reconnect\.jitter/],
    ['negative jitter', { reconnect: { jitter: -0.1 } }, RangeError, /reconnect\.jitter/],
    ['fractional maxAttempts', { reconnect: { maxAttempts: 2.5 } }, RangeError, /reconnect\.maxAttempts/],
    ['maxSize below 1', { queue: { maxSize: 0 } }, RangeError, /queue\.maxSize/],
    ['fractional maxSize', { queue: { maxSize: 1.5 } }, RangeError, /queue\.maxSize/],
    ['zero sendTimeout', { queue: { sendTimeout: 0 } }, RangeError, /queue\.sendTimeout/],
    ['queue: false', { queue: false }, TypeError, /options\.queue/],
    ['zero offlineTimeout', { queue: { offlineTimeout: 0 } }, RangeError, /queue\.offlineTimeout/],
    ['persist: true outside WeChat', { persist: true }, TypeError, /options\.persist\.storage is required outside a mini-program/],
    ['persist of the wrong type', { persist: 'wx' }, TypeError, /options\.persist must be true, false or an object/],
    [
      'persist.storage without remove',
      { persist: { storage: { get: () => '', set: () => undefined } } },
      TypeError,
      /options\.persist\.storage must have a remove/,
    ],
    ['empty persist.key', { persist: { storage: memoryStorage(), key: '' } }, TypeError, /options\.persist\.key/],
    ['zero persist.maxEntries', { persist: { storage: memoryStorage(), maxEntries: 0 } }, RangeError, /persist\.maxEntries/],
    ['fractional persist.maxBytes', { persist: { storage: memoryStorage(), maxBytes: 10.5 } }, RangeError, /persist\.maxBytes/],
    ['ack not a boolean', { ack: 'yes' }, TypeError, /options\.ack/],
    ['autoConnect not a boolean', { autoConnect: 1 }, TypeError, /options\.autoConnect/],
    ['zero connect timeout', { timeout: 0 }, RangeError, /options\.timeout/],
    ['protocols not strings', { protocols: [1] }, TypeError, /options\.protocols/],
    ['codec without decode', { codec: { encode: String } }, TypeError, /options\.codec/],
    ['random not a function', { random: 0.5 }, TypeError, /options\.random/],
    ['clock without now', { clock: { setTimeout, clearTimeout } }, TypeError, /options\.clock/],
    ['lifecycle of the wrong type', { lifecycle: 'wx' }, TypeError, /options\.lifecycle/],
    ['a misspelt option', { hearbeat: { interval: 1 } }, TypeError, /options\.hearbeat is not a ChatSocket option/],
  ]

  it.each(cases)('throws at construction for %s, naming the option', (_name, patch, ErrorType, message) => {
    const options = { ...base(), ...patch } as unknown as ConstructorParameters<typeof ChatSocket>[0]
    expect(() => new ChatSocket(options)).toThrow(ErrorType)
    expect(() => new ChatSocket(options)).toThrow(message)
  })

  it('names an object given for a boolean or number option by its type, not as [object Object]', () => {
    expect(() => resolveOptions({ ...base(), ack: {} } as unknown as ConstructorParameters<typeof ChatSocket>[0])).toThrow(
      'ChatSocket: options.ack must be true or false, got object',
    )
    expect(() => resolveOptions({ ...base(), timeout: [] } as unknown as ConstructorParameters<typeof ChatSocket>[0])).toThrow(
      'ChatSocket: options.timeout must be a number, got object',
    )
  })

  it('throws for options that are not an object', () => {
    expect(() => new ChatSocket(undefined as unknown as ConstructorParameters<typeof ChatSocket>[0])).toThrow(TypeError)
  })
})
