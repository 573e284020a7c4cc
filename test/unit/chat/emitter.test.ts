import { createEmitter } from '../../../src/chat'

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
