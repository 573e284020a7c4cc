/**
 * Property tests (fast-check) of ChatSocket and its send queue on a fake SocketTask and fake
 * timers: any interleaving of send, ack, error reply, duplicate ack, link drop, reconnect,
 * time passing (timeouts, heartbeats) and close keeps
 * - exactly-once: deduplicated by id, the server saw each send at most once per link and in send order;
 * - every promise settled exactly once, resolved only after its ack, by close() at the latest;
 * - no timer left after close().
 * The same holds with the writes paced (`queue.rate`/`queue.burst`, issue 9 defect 13).
 */
import fc from 'fast-check'
import { ChatSocket, type SocketError } from '../../src'
import { createFakeConnectSocket, type FakeSocketTask } from '../../src/testing'

type Action =
  | { kind: 'send' }
  | { kind: 'ack'; pick: number }
  | { kind: 'reject'; pick: number }
  | { kind: 'duplicateAck'; pick: number }
  | { kind: 'drop' }
  | { kind: 'reconnect' }
  | { kind: 'wait'; ms: number }

const action: fc.Arbitrary<Action> = fc.oneof(
  { arbitrary: fc.constant({ kind: 'send' as const }), weight: 4 },
  { arbitrary: fc.nat(20).map((pick) => ({ kind: 'ack' as const, pick })), weight: 4 },
  { arbitrary: fc.nat(20).map((pick) => ({ kind: 'reject' as const, pick })), weight: 1 },
  { arbitrary: fc.nat(20).map((pick) => ({ kind: 'duplicateAck' as const, pick })), weight: 1 },
  { arbitrary: fc.constant({ kind: 'drop' as const }), weight: 1 },
  { arbitrary: fc.constant({ kind: 'reconnect' as const }), weight: 2 },
  { arbitrary: fc.integer({ min: 1, max: 40_000 }).map((ms) => ({ kind: 'wait' as const, ms })), weight: 1 },
)

interface Sent {
  id: string
  settled: number
  /** 'resolved', or the SocketError code it rejected with. */
  outcome?: string
  /** True once the test (the server) acked it: resolving before that is a bug. */
  acked: boolean
}

const flush = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await Promise.resolve()
}

/** Ids of message frames a task received, in order. */
const received = (task: FakeSocketTask): string[] => task.sent.filter((f) => f.type === 'message').map((f) => f.id!)

type Pace = { rate: number; burst: number } | null

/** A ChatSocket on a fake task (reconnects after 100 ms, no jitter; paced when `pace` is given), its first link open. */
async function openSocket(pace: Pace): Promise<{ fake: ReturnType<typeof createFakeConnectSocket>; socket: ChatSocket }> {
  const fake = createFakeConnectSocket()
  const socket = new ChatSocket({
    url: 'ws://chat.test/ws',
    connectSocket: fake.connectSocket,
    lifecycle: false,
    reconnect: { jitter: 0, minDelay: 100, maxDelay: 100, minUptime: 0 },
    heartbeat: { interval: 25_000, timeout: 10_000 },
    queue: { sendTimeout: 15_000, ...pace },
  })
  socket.on('error', () => undefined)
  await flush()
  fake.last().open()
  return { fake, socket }
}

async function run(actions: Action[], pace: Pace = null): Promise<void> {
  const { fake, socket } = await openSocket(pace)
  const sends: Sent[] = []
  let opened = fake.last()
  const current = (): FakeSocketTask | null => {
    const task = fake.tasks.at(-1)!
    return task === opened && socket.state === 'open' ? task : null
  }
  /** Sends the current link has carried that the server has not answered yet. */
  const unanswered = (task: FakeSocketTask): string[] => {
    const answered = new Set(sends.filter((s) => s.settled > 0).map((s) => s.id))
    return received(task).filter((id) => !answered.has(id))
  }
  for (const a of actions) {
    const task = current()
    switch (a.kind) {
      case 'send': {
        const s: Sent = { id: `m${sends.length}`, settled: 0, acked: false }
        sends.push(s)
        socket.send({ type: 'message', id: s.id }).then(
          () => {
            s.settled++
            s.outcome = 'resolved'
          },
          (e: SocketError) => {
            s.settled++
            s.outcome = e.code
          },
        )
        break
      }
      case 'ack':
      case 'reject':
      case 'duplicateAck': {
        if (!task) break
        const ids = a.kind === 'duplicateAck' ? received(task) : unanswered(task)
        const id = ids[a.pick % Math.max(1, ids.length)]
        if (id === undefined) break
        const s = sends.find((x) => x.id === id)!
        if (a.kind === 'reject') task.receive({ type: 'reply', id, error: { code: 'FORBIDDEN', message: 'no' } })
        else {
          s.acked = true
          task.receive({ type: 'ack', id })
        }
        break
      }
      case 'drop':
        if (task) task.serverClose(1006)
        break
      case 'reconnect': {
        jest.advanceTimersByTime(100)
        await flush()
        const next = fake.tasks.at(-1)!
        if (next !== opened && socket.state !== 'closed') {
          next.open()
          opened = next
        }
        break
      }
      case 'wait':
        jest.advanceTimersByTime(a.ms)
        break
    }
    await flush()
    for (const s of sends) {
      expect(s.settled).toBeLessThanOrEqual(1)
      if (s.outcome === 'resolved') expect(s.acked).toBe(true)
    }
  }
  socket.close()
  await flush()
  // Every promise settled exactly once; none resolved without an ack.
  for (const s of sends) {
    expect([s.id, s.settled]).toEqual([s.id, 1])
    if (s.outcome === 'resolved') expect(s.acked).toBe(true)
  }
  // Send order on every link, each id once per link; across links, first sightings in send order.
  const order = (id: string): number => Number(id.slice(1))
  const firstSeen: string[] = []
  for (const t of fake.tasks) {
    const ids = received(t)
    expect(new Set(ids).size).toBe(ids.length)
    const sorted = [...ids].sort((x, y) => order(x) - order(y))
    expect(ids).toEqual(sorted)
    for (const id of ids) if (!firstSeen.includes(id)) firstSeen.push(id)
  }
  expect(firstSeen).toEqual([...firstSeen].sort((x, y) => order(x) - order(y)))
  // Nothing acked was sent again on a later link.
  // No timer is left behind.
  expect(jest.getTimerCount()).toBe(0)
}

beforeEach(() => jest.useFakeTimers())
afterEach(() => {
  jest.clearAllTimers()
  jest.useRealTimers()
})

describe('ChatSocket and its send queue under any interleaving (property)', () => {
  it('keeps exactly-once, send order, settles every promise once, leaves no timer after close()', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(action, { maxLength: 60 }), async (actions) => {
        jest.clearAllTimers()
        await run(actions)
      }),
      { numRuns: 300 },
    )
  })

  it('keeps the same with its writes paced: a send waiting its turn is neither lost, doubled, reordered nor left unsettled', async () => {
    const pace = fc.record({ rate: fc.integer({ min: 1, max: 50 }), burst: fc.integer({ min: 1, max: 5 }) })
    await fc.assert(
      fc.asyncProperty(fc.array(action, { maxLength: 60 }), pace, async (actions, p) => {
        jest.clearAllTimers()
        await run(actions, p)
      }),
      { numRuns: 300 },
    )
  })

  const paces = [null, { rate: 5, burst: 1 }, { rate: 20, burst: 3 }] as const
  it.each(paces.map((pace) => [pace ? `paced at ${pace.rate}/s, burst ${pace.burst}` : 'unpaced', pace] as const))(
    'delivers everything when the server acks all after the last reconnect (%s)',
    async (_, pace) => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(
            action.filter((a) => a.kind !== 'wait' && a.kind !== 'reject'),
            { maxLength: 40 },
          ),
          async (actions) => {
            jest.clearAllTimers()
            const { fake, socket } = await openSocket(pace)
            const results: Array<Promise<unknown>> = []
            let settled = 0
            let n = 0
            for (const a of actions) {
              if (a.kind === 'send') results.push(socket.send({ type: 'message', id: `m${n++}` }).finally(() => settled++))
              else if (a.kind === 'drop' && socket.state === 'open') fake.last().serverClose(1006)
              else if (a.kind === 'reconnect' && socket.state === 'reconnecting') {
                jest.advanceTimersByTime(100)
                await flush()
                fake.last().open()
              }
              await flush()
            }
            if (socket.state === 'reconnecting') {
              jest.advanceTimersByTime(100)
              await flush()
              fake.last().open()
              await flush()
            }
            const last = fake.last()
            // The server acks what has arrived; paced, the rest arrives as time passes (40 sends at 5/s: 8 s).
            for (let t = 0; settled < results.length && t < 10_000; t += 100) {
              last.ackAll()
              await flush()
              jest.advanceTimersByTime(100)
              await flush()
            }
            const outcomes = await Promise.allSettled(results)
            expect(outcomes.every((r) => r.status === 'fulfilled')).toBe(true)
            // The last link carried every unacked send, once each, in send order.
            const ids = received(last)
            expect(new Set(ids).size).toBe(ids.length)
            expect(ids).toEqual([...ids].sort((x, y) => Number(x.slice(1)) - Number(y.slice(1))))
            socket.close()
            await flush()
            expect(jest.getTimerCount()).toBe(0)
          },
        ),
        { numRuns: 200 },
      )
    },
  )
})
