import { systemClock } from '../../src/clock'
import { SocketError } from '../../src/errors'
import { SendQueue, type Push } from '../../src/send-queue'

beforeEach(() => jest.useFakeTimers())
afterEach(() => jest.useRealTimers())

function push(id: string, timeout: number, log: string[], offline = timeout): Push {
  return {
    id,
    frame: { type: 'message', id },
    kind: 'send',
    expectAck: true,
    openLeft: timeout,
    offlineLeft: offline,
    since: 0,
    deadline: Infinity,
    sent: false,
    resolve: () => log.push(`resolved ${id}`),
    reject: (e) => log.push(`${e.code} ${id}`),
  }
}

const make = () => new SendQueue(systemClock, (p, phase) => new SocketError('TIMEOUT', `timeout ${p.id} ${phase}`, { id: p.id }))

/** Every push waiting to be written, in order, each written as it is taken (as ChatSocket's pump does). */
function writeAll(q: SendQueue): string[] {
  const ids: string[] = []
  for (let p = q.nextUnsent(); p !== undefined; p = q.nextUnsent()) {
    ids.push(p.id)
    q.written(p)
  }
  return ids
}

describe('SendQueue', () => {
  it('sets defaults: empty, no timer', () => {
    const q = make()
    expect(q.size).toBe(0)
    expect(jest.getTimerCount()).toBe(0)
  })

  it('keeps one timer for all deadlines, armed for the earliest, re-armed when an earlier one arrives', () => {
    const q = make()
    const log: string[] = []
    q.add(push('slow', 5000, log))
    q.add(push('a', 3000, log))
    q.add(push('fast', 100, log))
    q.add(push('b', 3000, log))
    expect(jest.getTimerCount()).toBe(1)
    jest.advanceTimersByTime(100)
    expect(log).toEqual(['TIMEOUT fast'])
    jest.advanceTimersByTime(2900)
    expect(log).toEqual(['TIMEOUT fast', 'TIMEOUT a', 'TIMEOUT b'])
    jest.advanceTimersByTime(2000)
    expect(log).toEqual(['TIMEOUT fast', 'TIMEOUT a', 'TIMEOUT b', 'TIMEOUT slow'])
    expect(q.size).toBe(0)
    expect(jest.getTimerCount()).toBe(0)
  })

  it('does not time out a push that was taken, and clears the timer when empty', () => {
    const q = make()
    const log: string[] = []
    q.add(push('a', 100, log))
    q.add(push('b', 200, log))
    expect(q.take('a')?.id).toBe('a')
    jest.advanceTimersByTime(150)
    expect(log).toEqual([])
    q.take('b')
    expect(jest.getTimerCount()).toBe(0)
  })

  it('never times out a push with an infinite deadline', () => {
    const q = make()
    const log: string[] = []
    q.add(push('forever', Infinity, log))
    expect(jest.getTimerCount()).toBe(0)
  })

  it('replays unsent pushes in insertion order and take(id, only) checks identity', () => {
    const q = make()
    const log: string[] = []
    const a = push('a', 1000, log)
    const b = push('b', 1000, log)
    q.add(a)
    q.add(b)
    expect(q.nextUnsent()).toBe(a)
    q.written(a)
    expect(q.nextUnsent()).toBe(b)
    q.add(push('c', 1000, log))
    q.take('b')
    expect(writeAll(q)).toEqual(['c'])
    expect(q.nextUnsent()).toBeUndefined()
    q.markAllUnsent()
    expect(writeAll(q)).toEqual(['a', 'c'])
    expect(q.take('a', b)).toBeUndefined()
    expect(q.take('a', a)).toBe(a)
  })

  it('finds the next push to write behind thousands written and unanswered, and past sends that timed out unwritten', () => {
    const q = make()
    const log: string[] = []
    const written: string[] = []
    for (let i = 0; i < 5000; i++) {
      q.add(push(`w${i}`, 60_000, log))
      written.push(...writeAll(q))
    }
    expect(written).toEqual(Array.from({ length: 5000 }, (_, i) => `w${i}`))
    // 200 sends that time out before being written, behind 5000 written ones.
    for (let i = 0; i < 200; i++) q.add(push(`t${i}`, 60_000, log, 100))
    jest.advanceTimersByTime(100)
    expect(log).toHaveLength(200)
    for (let i = 0; i < 4990; i++) q.take(`w${i}`)
    q.add(push('last', 60_000, log))
    expect(writeAll(q)).toEqual(['last'])
  })

  it("charges sendTimeout only from the write to the link's end, and offlineTimeout only before the write", () => {
    const q = make()
    const log: string[] = []
    const a = push('a', 1000, log, 60_000)
    a.reject = (e) => log.push(e.message)
    q.add(a)
    // 59 s without being written (offline, or waiting its turn): the sendTimeout budget is untouched.
    jest.advanceTimersByTime(59_000)
    expect(log).toEqual([])
    q.written(a)
    jest.advanceTimersByTime(600)
    q.markAllUnsent() // the link dropped: 400 ms of sendTimeout left, 1 s of offlineTimeout left
    jest.advanceTimersByTime(900)
    expect(log).toEqual([])
    expect(writeAll(q)).toEqual(['a'])
    jest.advanceTimersByTime(399)
    expect(log).toEqual([])
    jest.advanceTimersByTime(1)
    expect(log).toEqual(['timeout a open'])
  })

  it('times a push out offline when its offline budget runs out, and re-arms across link changes with one timer', () => {
    const q = make()
    const log: string[] = []
    const errors: string[] = []
    const a = push('a', 1000, log, 5000)
    a.reject = (e) => errors.push(e.message)
    q.add(a)
    q.add(push('b', 1000, log, 8000))
    writeAll(q)
    q.markAllUnsent()
    expect(jest.getTimerCount()).toBe(1)
    jest.advanceTimersByTime(5000)
    expect(errors).toEqual(['timeout a offline'])
    jest.advanceTimersByTime(3000)
    expect(log).toEqual(['TIMEOUT b'])
    expect(jest.getTimerCount()).toBe(0)
  })

  it('clamps a wait past the timer limit (2^31 − 1 ms) and re-arms instead of firing at once', () => {
    const q = make()
    const log: string[] = []
    q.add(push('far', 1000, log, 40 * 24 * 3600_000))
    jest.advanceTimersByTime(2 ** 31 - 1)
    expect(log).toEqual([])
    expect(jest.getTimerCount()).toBe(1)
    jest.advanceTimersByTime(40 * 24 * 3600_000 - (2 ** 31 - 1))
    expect(log).toEqual(['TIMEOUT far'])
  })

  it('rejectAll rejects everything in order and clears the timer', () => {
    const q = make()
    const log: string[] = []
    q.add(push('a', 1000, log))
    q.add(push('b', 1000, log))
    q.rejectAll(() => new SocketError('CLOSED', 'closed'))
    expect(log).toEqual(['CLOSED a', 'CLOSED b'])
    expect(jest.getTimerCount()).toBe(0)
  })
})
