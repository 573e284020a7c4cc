import type {} from '@fastify/websocket'
import type { FastifyBaseLogger, FastifyInstance } from 'fastify'
import type { IncomingMessage } from 'node:http'
import type { WebSocket } from 'ws'
import { AgentGrace } from './agent-grace'
import type { Accounts, AgentCredential } from './accounts'
import type { ResolvedOptions } from './config'
import { ChatError, isChatError } from './errors'
import { CloseCodes } from '../src/protocol'
import { decodeFrame, validateFrame, type ValidFrame } from './frames'
import { authenticate } from './auth'
import { Connection } from './connection'
import { ConnectionLog as ConnLog } from './connection-log'
import type { Hub } from './hub'
import type { PollingEndpoint } from './polling'
import { TokenBucket } from '../src/token-bucket'
import { RepeatingTimer } from './server-clock'
import { KeyedSerial } from './serial'
import { SLOW_READER_CUT_MS } from './limits'
import type { Conversations, Outcome } from './conversations'
import type { Conversation, User } from './types'
import type { Uploads } from './uploads'
import { uploadNameFromUrl } from './uploads'
import { releaseUpgrade } from './upgrade-release'

/** What the socket layer asks the cluster (REDIS_URL set); alone, every agent's presence is this instance's. */
export interface ClusterHooks {
  /** The agent still has a socket on another instance: their last socket here closing is no absence. */
  onlineElsewhere(agentId: string): Promise<boolean>
  /** The first instance to claim the end of this agent's grace period reroutes; the others' timers do nothing. */
  claimGrace(agentId: string, windowMs: number): Promise<boolean>
}

export interface SocketHandlerDeps {
  accounts: Accounts
  chat: Conversations
  hub: Hub
  uploads: Uploads
  options: ResolvedOptions
  log: FastifyBaseLogger
  cluster?: ClusterHooks
}

/** Logs a conversation change (one line) and passes the outcome on. */
function logged(log: ConnLog, event: string, outcome: Outcome<{ conversation: Conversation }>): Outcome<{ conversation: Conversation }> {
  const { id, status } = outcome.data.conversation
  log.info({ event, conversation: id, status }, event)
  return outcome
}

/** What a socket's listeners need, kept on the ws object under SOCKET. */
class Attached {
  constructor(
    readonly conn: Connection,
    readonly log: ConnLog,
    readonly handler: SocketHandler,
  ) {}
}

const SOCKET = Symbol('chat socket')
type TaggedSocket = WebSocket & { [SOCKET]: Attached }

// One function each for every socket (ws calls a listener with the socket as `this`).
function onSocketPong(this: WebSocket): void {
  ;(this as TaggedSocket)[SOCKET].conn.alive = true
}

function onSocketMessage(this: WebSocket, data: Buffer, isBinary: boolean): void {
  const { conn, log, handler } = (this as TaggedSocket)[SOCKET]
  handler.onFrame(conn, data, isBinary, log)
}

function onSocketClose(this: WebSocket, code: number): void {
  const { conn, log, handler } = (this as TaggedSocket)[SOCKET]
  handler.socketClosed(conn, code, log)
}

/** ws has already started closing (1009 for an oversized frame, 1002 for a protocol error). */
function onSocketError(this: WebSocket, error: NodeJS.ErrnoException): void {
  ;(this as TaggedSocket)[SOCKET].log.info({ event: 'socket.error', code: error.code, message: error.message }, 'socket error')
  if (this.readyState === this.OPEN) this.terminate()
}

/**
 * The chat socket: one per client, at GET /ws, after `authenticate`. Owns liveness and
 * shutdown of all sockets, and the grace period of agents who went offline.
 *
 * Handlers are async (the store is): each socket's frames run one at a time in arrival order
 * (`conn.work`), so an ack or reply never overtakes an earlier frame's, and a frame's ack and
 * pushes go out only after its write committed. An agent's presence changes run in order per
 * agent (`presenceWork`): online, offline, grace period.
 */
export class SocketHandler {
  private nextId = 1
  private closing = false
  private readonly sweepTimer: RepeatingTimer
  private readonly grace: AgentGrace
  private readonly presenceWork = new KeyedSerial()
  /** Handlers and grace expiries still running, awaited by shutdown (so the store closes after their commits). */
  private readonly running = new Set<Promise<void>>()

  constructor(private readonly deps: SocketHandlerDeps) {
    this.grace = new AgentGrace(deps.options.agentGraceMs, deps.options.clock)
    this.sweepTimer = new RepeatingTimer(deps.options.clock, deps.options.pingInterval, () => this.sweep())
  }

  /** GET /ws: the socket; with `polling`, a GET without an upgrade is a poll and a socket naming a polling session takes it over. */
  register(app: FastifyInstance, polling?: PollingEndpoint): void {
    app.route({
      method: 'GET',
      url: '/ws',
      preValidation: authenticate(this.deps.accounts),
      wsHandler: (socket, request) => {
        const user = request.user
        if (!user) return socket.close(CloseCodes.INTERNAL, 'unauthenticated')
        if (polling?.claim(socket, request)) return
        this.accept(socket, request.raw, user, request.credential)
      },
      handler: (request, reply) => (polling ? polling.poll(request, reply) : reply.code(404).send()),
    })
    this.sweepTimer.start()
  }

  /** At start no agent is online here: whoever holds assigned conversations gets the grace period a reconnect needs. */
  async start(): Promise<void> {
    for (const agent of await this.deps.chat.absentAgentsWithAssigned()) this.startGrace(agent)
  }

  /**
   * A new link of `user`: a WebSocket (with its upgrade `request`), or a polling session's socket
   * of the same shape (server/polling.ts, null; each of its requests is authenticated anew).
   * `credential`: an agent token's password digest, checked again on every liveness sweep.
   */
  accept(ws: WebSocket, request: IncomingMessage | null, user: User, credential: AgentCredential | null = null): void {
    const { hub, chat, options } = this.deps
    if (this.closing) return ws.close(CloseCodes.GOING_AWAY, 'server shutting down')
    // WebSockets only: polling sessions (request null) are server/polling.ts's to bound.
    const cap = user.role === 'agent' ? options.limits.agentSockets : options.limits.customerSockets
    if (request !== null && hub.countOf(user.id) >= cap)
      return ws.close(CloseCodes.TOO_MANY_SOCKETS, `at most ${cap} sockets per ${user.role}`)
    // The connection's fields on each line through the shared logger (no pino child kept per socket).
    const log = new ConnLog(this.deps.log, { conn: this.nextId, user: user.id, role: user.role })
    const limiter = new TokenBucket(options.rateLimit.rate, options.rateLimit.burst)
    const conn = new Connection(this.nextId++, ws, user, limiter, options.limits.socketBufferedBytes, this.slowReader)
    conn.credential = credential
    // The listeners are shared by every socket: what they need is on the ws object (no closures per socket).
    ;(ws as TaggedSocket)[SOCKET] = new Attached(conn, log, this)
    if (request !== null) releaseUpgrade(ws, request, onSocketError)
    const first = hub.add(conn)
    log.info({ event: 'socket.open', connections: hub.size }, 'socket open')
    ws.on('pong', onSocketPong)
    ws.on('message', onSocketMessage)
    ws.on('close', onSocketClose)
    if (first && user.role === 'agent') {
      const online = this.presenceWork.run(user.id, () =>
        this.safely(log, async () => {
          if (this.closing) return
          if (this.grace.cancel(user.id)) log.info({ event: 'agent.back' }, 'agent back within the grace period')
          hub.deliver(await chat.agentOnline(user), conn)
        }),
      )
      // The agent's own frames wait until the queue has been handed out, as when this was synchronous.
      void conn.work.run(() => online)
    }
  }

  /** @internal The socket closed (its listener, `onSocketClose`). */
  socketClosed(conn: Connection, code: number, log: ConnLog): void {
    const { hub, chat } = this.deps
    const user = conn.user
    conn.closed = true
    const last = hub.remove(conn)
    log.info({ event: 'socket.close', code, connections: hub.size }, 'socket closed')
    if (last && user.role === 'agent' && !this.closing) {
      void this.presenceWork.run(user.id, () =>
        this.safely(log, async () => {
          if (this.closing) return
          if (this.deps.cluster && (await this.deps.cluster.onlineElsewhere(user.id))) return
          hub.deliver(chat.agentOffline(user))
          this.startGrace(user)
        }),
      )
    }
  }

  /**
   * Agents of an instance that died (cluster presence found its heartbeat gone): nobody saw their
   * sockets close, so they are told offline here and get their grace period here.
   */
  async agentsGone(agentIds: readonly string[]): Promise<void> {
    for (const id of agentIds) {
      if (this.closing || this.deps.hub.localAgentIds().includes(id)) continue
      const user = await this.deps.chat.user(id)
      if (user?.role !== 'agent') continue
      this.deps.log.info({ event: 'agent.gone', user: id }, 'agent lost with their instance')
      void this.presenceWork.run(id, () =>
        this.safely(new ConnLog(this.deps.log, { user: id, role: 'agent' }), () => {
          if (this.closing) return
          this.deps.hub.deliver(this.deps.chat.agentOffline(user))
          this.startGrace(user)
        }),
      )
    }
  }

  /** The agent is offline: unless they come back within `agentGraceMs`, their assigned conversations are routed again. */
  private startGrace(agent: User): void {
    this.grace.start(agent.id, () => {
      if (this.closing) return
      const log = new ConnLog(this.deps.log, { user: agent.id, role: agent.role })
      const work = this.safely(log, async () => {
        // Every instance that saw the agent go (or started with their conversations assigned) keeps a timer: one reroutes.
        if (this.deps.cluster && !(await this.deps.cluster.claimGrace(agent.id, this.deps.options.agentGraceMs))) return
        const outcome = await this.deps.chat.rerouteAssigned(agent)
        for (const c of outcome.data) {
          log.info(
            { event: 'conversation.reroute', conversation: c.id, status: c.status, agent: c.agent?.id ?? null },
            'conversation.reroute',
          )
        }
        this.deps.hub.deliver(outcome.deliveries)
      })
      this.track(work)
    })
  }

  /** @internal A frame arrived (its listener, `onSocketMessage`). */
  onFrame(conn: Connection, data: Buffer, isBinary: boolean, log: ConnLog): void {
    // While shutting down, frames are dropped unanswered: the client sends them again after it reconnects.
    // Only a pong proves the client reads (conn.alive): a frame only proves it writes.
    if (this.closing || conn.closed) return
    // Decoded and counted against the rate limit as it arrives; handled in its turn.
    let id: string | undefined
    let frame: ValidFrame | undefined
    let refused: unknown
    try {
      let raw
      try {
        raw = decodeFrame(data, isBinary)
      } catch (err) {
        // Junk counts against the bucket too: past it, the cheaper RATE_LIMITED answer.
        if (!conn.limiter.take()) throw new ChatError('RATE_LIMITED', 'too many frames; slow down')
        throw err
      }
      id = raw.id
      // Pings are never limited: an unanswered ping makes the client drop a healthy link.
      if (raw.type !== 'ping' && !conn.limiter.take()) throw new ChatError('RATE_LIMITED', 'too many frames; slow down')
      frame = validateFrame(raw, { textMaxLength: this.deps.options.textMaxLength })
    } catch (err) {
      refused = err
    }
    this.track(
      conn.work.run(async () => {
        // A socket that went while this frame waited: nobody to answer, nothing to hold on to.
        if (this.closing || conn.closed) return
        try {
          if (frame === undefined) throw refused
          await this.dispatch(conn, frame, log)
        } catch (err) {
          this.answerError(conn, id, err, log)
        }
      }),
    )
  }

  private track(work: Promise<void>): void {
    this.running.add(work)
    void work.finally(() => this.running.delete(work))
  }

  private async dispatch(conn: Connection, frame: ValidFrame, log: ConnLog): Promise<void> {
    const { chat } = this.deps
    const user = conn.user
    switch (frame.type) {
      case 'ping':
        return conn.send({ type: 'pong' })
      case 'session':
        return this.reply(conn, frame.id, await chat.session(user, { limit: frame.limit, cursor: frame.cursor }))
      case 'open':
        return this.reply(conn, frame.id, await chat.open(user))
      case 'sync':
        return this.reply(conn, frame.id, await chat.sync(user, frame.conversationId, frame.afterSeq, frame.limit))
      case 'history':
        return this.reply(conn, frame.id, await chat.history(user, frame.conversationId, frame.beforeSeq, frame.limit))
      case 'accept':
        return this.reply(conn, frame.id, logged(log, 'conversation.accept', await chat.accept(user, frame.conversationId)))
      case 'transfer':
        this.reply(conn, frame.id, logged(log, 'conversation.transfer', await chat.transfer(user, frame.conversationId, frame.toAgentId)))
        // The agent has room again: the queue may move (a cap, busy agents).
        return this.deps.hub.deliver(await chat.handOutQueue())
      case 'close':
        this.reply(conn, frame.id, logged(log, 'conversation.close', await chat.close(user, frame.conversationId)))
        return this.deps.hub.deliver(await chat.handOutQueue())
      case 'recall':
        return this.reply(conn, frame.id, await chat.recall(user, frame.conversationId, frame.messageId))
      case 'rate':
        return this.reply(conn, frame.id, await chat.rate(user, frame.conversationId, frame.score, frame.comment))
      case 'typing':
        return this.deps.hub.deliver((await chat.typing(user, frame.conversationId)).deliveries, conn)
      case 'read': {
        const outcome = await chat.read(user, frame.conversationId, frame.seq)
        conn.send({ type: 'ack', id: frame.id, ...outcome.data })
        return this.deps.hub.deliver(outcome.deliveries, conn)
      }
      case 'message': {
        const outcome = await chat.message(user, frame, (url) => {
          const name = uploadNameFromUrl(url)
          return name !== null && this.deps.uploads.has(name)
        })
        // Committed by now: ack, then deliver.
        conn.send({ type: 'ack', id: frame.id, ...outcome.data })
        log.debug(
          {
            event: 'message',
            conversation: outcome.data.conversationId,
            seq: outcome.data.seq,
            duplicate: outcome.data.duplicate === true,
          },
          'message',
        )
        return this.deps.hub.deliver(outcome.deliveries, conn)
      }
    }
  }

  private reply<T>(conn: Connection, id: string, outcome: Outcome<T>): void {
    conn.send({ type: 'reply', id, data: outcome.data })
    this.deps.hub.deliver(outcome.deliveries, conn)
  }

  /**
   * More than `limits.socketBufferedBytes` waits unsent for this socket: it reads too slowly (or
   * not at all). Close it with SLOW_READER, which clients reconnect from, and cut it if its
   * close frame has not gone out in SLOW_READER_CUT_MS, so its buffers are released either way.
   */
  private readonly slowReader = (conn: Connection): void => {
    const { clock } = this.deps.options
    const log = new ConnLog(this.deps.log, { conn: conn.id, user: conn.user.id, role: conn.user.role })
    log.info({ event: 'socket.slow', buffered: conn.ws.bufferedAmount }, 'socket reads too slowly: closing it')
    const cut = clock.setTimeout(() => conn.ws.terminate(), SLOW_READER_CUT_MS)
    conn.ws.once('close', () => clock.clearTimeout(cut))
    conn.ws.close(CloseCodes.SLOW_READER, 'reading too slowly')
  }

  /** Work outside any request (presence): a failure is logged, there is no one to answer. */
  private async safely(log: ConnLog, work: () => Promise<void> | void): Promise<void> {
    try {
      await work()
    } catch (err) {
      log.error({ err, event: 'internal' }, 'presence update failed')
    }
  }

  private answerError(conn: Connection, id: string | undefined, err: unknown, log: ConnLog): void {
    let error: { code: string; message: string }
    if (isChatError(err)) {
      error = err.toJSON()
      log.debug({ event: 'frame.error', code: err.code, id }, err.message)
    } else {
      error = { code: 'INTERNAL', message: 'internal error' }
      log.error({ err, event: 'internal', id }, 'frame handler failed')
    }
    conn.send(id !== undefined ? { type: 'reply', id, error } : { type: 'error', error })
  }

  /**
   * The ws README's isAlive sweep: ping everyone; drop whoever did not answer the previous ping.
   * Agent sockets are checked against their password too (`revokeStale`).
   */
  private sweep(): void {
    this.revokeStale()
    for (const conn of this.deps.hub.connections()) {
      if (!conn.alive) {
        this.deps.log.info({ event: 'socket.dead', conn: conn.id, user: conn.user.id }, 'no pong: dropping socket')
        conn.ws.terminate()
        continue
      }
      conn.alive = false
      conn.ws.ping()
    }
  }

  /**
   * Issue 9, defect 8: a password reset (agent:add --reset, maybe run by another process) or an
   * agent's removal refuses their earlier tokens at the upgrade; a socket opened with one before
   * ends here, within one sweep, with TOKEN_REFUSED (clients log in again, as after a 401).
   * One lookup per agent and token per sweep.
   */
  private revokeStale(): void {
    const byCredential = new Map<string, Connection[]>()
    for (const conn of this.deps.hub.connections()) {
      if (conn.credential === null || conn.closed) continue
      const key = `${conn.user.id}\n${conn.credential.username}\n${conn.credential.fingerprint}`
      byCredential.set(key, [...(byCredential.get(key) ?? []), conn])
    }
    for (const conns of byCredential.values()) {
      const [first] = conns as [Connection]
      const log = new ConnLog(this.deps.log, { user: first.user.id, role: first.user.role })
      const check = (async () => {
        try {
          if (await this.deps.accounts.stillValid(first.user.id, first.credential!)) return
        } catch (err) {
          // The store unreachable (a database outage): keep the sockets, check again next sweep.
          return log.warn({ err, event: 'socket.revoke-check' }, 'token check failed')
        }
        for (const conn of conns) {
          log.info({ event: 'socket.revoked', conn: conn.id }, 'token revoked: closing socket')
          conn.ws.close(CloseCodes.TOKEN_REFUSED, 'token revoked: log in again')
        }
      })()
      this.running.add(check)
      void check.finally(() => this.running.delete(check))
    }
  }

  /**
   * Shutdown: stop answering, close every socket with 1001, wait for them (cutting the slow ones
   * after `timeout` ms) and for the handlers still running, so the store closes after their commits.
   */
  async closeAll(timeout: number): Promise<void> {
    this.closing = true
    this.sweepTimer.stop()
    this.grace.clear()
    const conns = this.deps.hub.connections()
    await Promise.all(
      conns.map(
        (conn) =>
          new Promise<void>((resolve) => {
            if (conn.ws.readyState === 3) return resolve()
            const { clock } = this.deps.options
            const timer = clock.setTimeout(() => conn.ws.terminate(), timeout)
            conn.ws.once('close', () => {
              clock.clearTimeout(timer)
              resolve()
            })
            conn.ws.close(CloseCodes.GOING_AWAY, 'server shutting down')
          }),
      ),
    )
    await this.drained()
  }

  /** Resolves once every handler and presence change started so far has finished. */
  async drained(): Promise<void> {
    await Promise.all([this.presenceWork.idle(), ...this.running])
  }
}
