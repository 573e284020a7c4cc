import { createEmitter } from '../../src/emitter'

type Events = { ping: number; pong: string }

describe('createEmitter', () => {
  it('returns an unsubscribe function from on()', () => {
    const emitter = createEmitter<Events>()
    const seen: number[] = []
    const off = emitter.on('ping', (n) => seen.push(n))
    emitter.emit('ping', 1)
    off()
    off()
    emitter.emit('ping', 2)
    expect(seen).toEqual([1])
    expect(emitter.listenerCount()).toBe(0)
  })

  it('lets a handler unsubscribe another during the emit without skipping anyone', () => {
    const emitter = createEmitter<Events>()
    const seen: string[] = []
    const offB = emitter.on('pong', () => seen.push('b'))
    emitter.on('pong', () => {
      seen.push('a')
      offB()
    })
    emitter.emit('pong', 'x')
    emitter.emit('pong', 'y')
    expect(seen).toEqual(['b', 'a', 'a'])
  })

  it('clears every handler', () => {
    const emitter = createEmitter<Events>()
    emitter.on('ping', () => undefined)
    emitter.on('pong', () => undefined)
    expect(emitter.listenerCount()).toBe(2)
    emitter.clear()
    expect(emitter.listenerCount()).toBe(0)
  })

  it('types events by the map', () => {
    const emitter = createEmitter<Events>()
    // @ts-expect-error ping carries a number
    emitter.emit('ping', 'one')
    // @ts-expect-error no such event
    emitter.on('pang', () => undefined)
  })
})

describe('createEmitter: once, off and throwing handlers', () => {
  it('once() fires once; its unsubscribe and off(original) both remove it', () => {
    const emitter = createEmitter<Events>()
    const seen: number[] = []
    emitter.once('ping', (n) => seen.push(n))
    emitter.emit('ping', 1)
    emitter.emit('ping', 2)
    const handler = (n: number): void => void seen.push(n * 10)
    emitter.once('ping', handler)
    emitter.off('ping', handler)
    const off = emitter.once('ping', (n) => seen.push(n * 100))
    off()
    emitter.emit('ping', 3)
    expect(seen).toEqual([1])
    expect(emitter.listenerCount('ping')).toBe(0)
  })

  it('off(type) removes every handler of that type only', () => {
    const emitter = createEmitter<Events>()
    emitter.on('ping', () => undefined)
    emitter.on('ping', () => undefined)
    emitter.on('pong', () => undefined)
    emitter.off('ping')
    expect(emitter.listenerCount('ping')).toBe(0)
    expect(emitter.listenerCount('pong')).toBe(1)
  })

  it('calls every handler when one throws and hands the exception to report', () => {
    const reported: unknown[] = []
    const emitter = createEmitter<Events>({ report: (err) => reported.push(err) })
    const seen: string[] = []
    const bug = new Error('view bug')
    emitter.on('pong', () => {
      throw bug
    })
    emitter.on('pong', (s) => seen.push(s))
    expect(() => emitter.emit('pong', 'x')).not.toThrow()
    expect(seen).toEqual(['x'])
    expect(reported).toEqual([bug])
  })

  it('rethrows a handler exception from a timer by default', () => {
    jest.useFakeTimers()
    try {
      const emitter = createEmitter<Events>()
      emitter.on('ping', () => {
        throw new Error('late')
      })
      emitter.emit('ping', 1)
      expect(() => jest.runOnlyPendingTimers()).toThrow('late')
    } finally {
      jest.useRealTimers()
    }
  })
})
