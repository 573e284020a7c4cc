import { EXACTLY_ONCE_VERSION, HELLO_EVENT, QUERY_FLAG, keyOf } from '../socket.io/exactly-once'

/** The parts of a socket.io server Socket the helper uses (structural: the package does not depend on socket.io). */
export interface ServerSocketLike {
  readonly handshake: { query: Record<string, unknown> }
  readonly connected: boolean
  emit(event: string, ...args: unknown[]): unknown
  use(fn: (packet: unknown[], next: (err?: Error) => void) => void): unknown
}

/** An answered key: the ack's arguments and when it was answered. */
export interface AnsweredKey {
  args: unknown[]
  at: number
}

/**
 * Where answered keys are kept: by default a Map in memory. Exactly-once across a server
 * restart needs one that outlives the process (synchronous, so packets keep their order:
 * better-sqlite3 behind these three methods does it).
 */
export interface AnsweredStore {
  get(key: string): AnsweredKey | undefined
  set(key: string, value: AnsweredKey): void
  delete(key: string): void
  /** Keys oldest first, for expiry; a store without it is expired by its own means. */
  keys?(): IterableIterator<string>
  readonly size?: number
}

export interface ExactlyOnceOptions {
  /** Default: a Map in this process. */
  store?: AnsweredStore
  /** Most answered keys kept (the oldest go first). Default 10000. */
  maxKeys?: number
  /** ms an answered key is kept. Default 600000 (10 min): longer than a client's offline retries take to come back in practice. */
  ttl?: number
  /** Default Date.now. */
  now?: () => number
}

export const EXACTLY_ONCE_DEFAULTS = { maxKeys: 10_000, ttl: 600_000 } as const

/** What the helper did, for tests and dashboards. */
export interface ExactlyOnceStats {
  /** Keyed events passed on to the handlers (first arrivals). */
  handled: number
  /** Repeats answered with the first ack, not passed on. */
  repeats: number
  /** Repeats that arrived while the first was still being handled, answered when it acks. */
  joined: number
}

export type ExactlyOnceMiddleware = ((socket: ServerSocketLike, next: (err?: Error) => void) => void) & {
  readonly stats: ExactlyOnceStats
}

type Ack = (...args: unknown[]) => void

interface InFlight {
  waiters: Ack[]
}

/**
 * Namespace middleware for a socket.io server: `io.of('/info').use(exactlyOnce())`. For
 * clients of `miniprogram-chat-socket/socket.io` it announces itself, then drops repeats of
 * an `emitWithAck` by its idempotency key and answers them with the first ack, so each
 * event reaches the handlers once. Other clients (socket.io-client) are not touched.
 *
 * Caveats: `socket.onAny` listeners run before middleware and see the key as the last
 * argument before the ack; a per-socket middleware registered later that refuses a keyed
 * packet leaves its key in flight, so its repeats wait for an ack that never comes.
 */
export function exactlyOnce(options: ExactlyOnceOptions = {}): ExactlyOnceMiddleware {
  if (typeof options !== 'object' || options === null) throw new TypeError('exactlyOnce(options): options must be an object')
  const maxKeys = options.maxKeys ?? EXACTLY_ONCE_DEFAULTS.maxKeys
  const ttl = options.ttl ?? EXACTLY_ONCE_DEFAULTS.ttl
  if (!Number.isInteger(maxKeys) || maxKeys < 1)
    throw new RangeError(`exactlyOnce(options): options.maxKeys must be an integer >= 1, got ${String(maxKeys)}`)
  if (typeof ttl !== 'number' || !(ttl > 0))
    throw new RangeError(`exactlyOnce(options): options.ttl must be a number > 0, got ${String(ttl)}`)
  const store: AnsweredStore = options.store ?? new Map<string, AnsweredKey>()
  for (const m of ['get', 'set', 'delete'] as const) {
    if (typeof store[m] !== 'function') throw new TypeError(`exactlyOnce(options): options.store must have a ${m} function`)
  }
  const now = options.now ?? Date.now
  const inFlight = new Map<string, InFlight>()
  const stats: ExactlyOnceStats = { handled: 0, repeats: 0, joined: 0 }

  const expire = (): void => {
    if (typeof store.keys !== 'function') return
    const limit = now() - ttl
    let excess = (store.size ?? 0) - maxKeys
    for (const key of store.keys()) {
      const answered = store.get(key)
      if (excess <= 0 && answered !== undefined && answered.at >= limit) break
      store.delete(key)
      excess--
    }
  }

  const answer = (key: string, args: unknown[]): void => {
    store.set(key, { args, at: now() })
    expire()
  }

  const filter = (socket: ServerSocketLike, packet: unknown[], next: (err?: Error) => void): void => {
    const n = packet.length
    const ack = packet[n - 1]
    const key = typeof ack === 'function' ? keyOf(packet[n - 2]) : undefined
    if (key === undefined) return next()
    packet.splice(n - 2, 1) // the handlers see exactly what the client emitted
    const answered = store.get(key)
    if (answered !== undefined) {
      stats.repeats++
      return (ack as Ack)(...answered.args)
    }
    const flight = inFlight.get(key)
    if (flight !== undefined) {
      stats.joined++
      flight.waiters.push(ack as Ack)
      return
    }
    const mine: InFlight = { waiters: [] }
    inFlight.set(key, mine)
    let done = false
    packet[packet.length - 1] = (...args: unknown[]) => {
      if (done) return
      done = true
      inFlight.delete(key)
      answer(key, args)
      ;(ack as Ack)(...args)
      for (const w of mine.waiters) w(...args)
    }
    // socket.io dispatches on a later tick and drops the packet if the socket is disconnected
    // by then. This tick runs just before that one, so the socket's state here is the one the
    // dispatch sees: a packet that will not reach its handler leaves no key behind, and its
    // resend runs the handler.
    process.nextTick(() => {
      if (!socket.connected && !done && inFlight.get(key) === mine && mine.waiters.length === 0) inFlight.delete(key)
    })
    stats.handled++
    next()
  }

  const middleware = (socket: ServerSocketLike, next: (err?: Error) => void): void => {
    if (String(socket.handshake.query[QUERY_FLAG]) === '1') socket.emit(HELLO_EVENT, EXACTLY_ONCE_VERSION)
    socket.use((packet, nextPacket) => filter(socket, packet, nextPacket))
    next()
  }
  return Object.assign(middleware, { stats })
}
