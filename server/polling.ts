import { randomBytes } from 'node:crypto'
import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { WebSocket } from 'ws'
import { CloseCodes, UPGRADE_FRAME, decodeBatch, type PollingHandshake } from '../src/protocol'
import type { Accounts } from './accounts'
import { authenticate } from './auth'
import { MAX_FRAME_BYTES } from './config'
import type { Clock } from './server-clock'
import { PollSocket } from './polling-socket'
import type { User } from './types'

/** Where a polling client's socket goes: the socket handler's `accept`, as for a WebSocket. */
export type AcceptSocket = (socket: WebSocket, user: User) => void

export interface PollingOptions {
  /** ms a poll is held when nothing is waiting. */
  hold: number
  /** ms without a poll after which a session ends. */
  idleTimeout: number
  clock: Clock
}

export interface PollingDeps {
  accounts: Accounts
  accept: AcceptSocket
  log: FastifyBaseLogger
  options: PollingOptions
}

interface Session {
  socket: PollSocket
  user: User
}

/** Largest POST body: a batch of frames, each at most MAX_FRAME_BYTES. */
const MAX_BATCH_BYTES = 1024 * 1024
/** Most bytes waiting for one polling client before it is cut. */
const MAX_BUFFERED = 4 * 1024 * 1024
/** ms a WebSocket naming a session may take to send its `upgrade` frame. */
const UPGRADE_TIMEOUT = 10_000

interface SessionQuery {
  sid?: string
  ack?: string
  code?: string
  reason?: string
}

/**
 * HTTP long-polling beside `/ws`, on the same path (docs/protocol.md, "Long-polling"): a
 * session per client, whose `PollSocket` goes through the socket handler's `accept` like a
 * WebSocket, so auth, limits, routing, dedup and shutdown are the socket's own. A session
 * ends after `idleTimeout` ms without a poll; an ended one is remembered for `hold` ms so that
 * the client's next poll learns the close code.
 */
export class PollingEndpoint {
  private readonly sessions = new Map<string, Session>()
  /** WebSockets that named a session and have not sent their `upgrade` frame yet. */
  private readonly probes = new Set<WebSocket>()

  constructor(private readonly deps: PollingDeps) {}

  /** The POST (open, send) and DELETE routes; the GET (poll) is `poll`, called by the `/ws` route for requests without an upgrade. */
  register(app: FastifyInstance, path: string): void {
    const preValidation = authenticate(this.deps.accounts)
    void app.register((scope, _opts, done) => {
      // Batches are text; a client that sends no content type is not refused for it.
      scope.removeAllContentTypeParsers()
      scope.addContentTypeParser('*', { parseAs: 'string', bodyLimit: MAX_BATCH_BYTES }, (_req, body, next) => next(null, body))
      scope.post<{ Querystring: SessionQuery; Body: string | undefined }>(
        path,
        { preValidation, bodyLimit: MAX_BATCH_BYTES },
        (req, reply) => this.post(req, reply),
      )
      scope.delete<{ Querystring: SessionQuery }>(path, { preValidation }, (req, reply) => this.remove(req, reply))
      done()
    })
  }

  /** GET: the held poll. */
  poll(request: FastifyRequest, reply: FastifyReply): Promise<void> | FastifyReply {
    const query = request.query as SessionQuery
    const session = this.find(request, reply, query)
    if (session === null) return reply
    if (session.socket.upgraded) return conflict(reply)
    const ack = Number(query.ack ?? '0')
    if (!Number.isSafeInteger(ack) || ack < 0) return badRequest(reply, 'ack must be a whole number')
    return new Promise<void>((resolve) => {
      let answered = false
      const answer = (status: number, body: string): void => {
        if (answered) return
        answered = true
        void send(reply, status, body).then(() => resolve())
      }
      // A client that went away mid-hold (an aborted poll): the session stays; what was waiting goes to the next poll.
      reply.raw.once('close', () => {
        if (answered) return
        answered = true
        session.socket.unhold(answer)
        resolve()
      })
      session.socket.poll(ack, answer)
    })
  }

  /** A WebSocket to `/ws?sid=…`: a polling client taking its session over. False when it names no session (an ordinary socket). */
  claim(ws: WebSocket, request: FastifyRequest): boolean {
    const sid = (request.query as SessionQuery).sid
    if (sid === undefined) return false
    const session = this.sessions.get(sid)
    const user = request.user
    if (!user || session?.user.id !== user.id || session.socket.upgraded || session.socket.readyState !== 1) {
      ws.close(CloseCodes.POLICY, 'unknown polling session')
      return true
    }
    this.probes.add(ws)
    const timer = this.deps.options.clock.setTimeout(() => ws.terminate(), UPGRADE_TIMEOUT)
    const done = (): void => {
      this.probes.delete(ws)
      this.deps.options.clock.clearTimeout(timer)
    }
    ws.once('close', done)
    ws.once('message', (data: Buffer) => {
      done()
      ws.off('close', done)
      const ack = upgradeAck(data)
      if (ack === null) return ws.close(CloseCodes.POLICY, 'expected an upgrade frame')
      if (session.socket.upgraded || session.socket.readyState !== 1) return ws.close(CloseCodes.POLICY, 'unknown polling session')
      session.socket.upgrade(ws, ack)
      this.deps.log.info({ event: 'polling.upgrade', user: user.id }, 'polling session upgraded to a WebSocket')
    })
    return true
  }

  /** Shutdown: the WebSockets still probing are closed (the sessions themselves close as sockets, through the handler). */
  closeProbes(): void {
    for (const ws of this.probes) ws.close(CloseCodes.GOING_AWAY, 'server shutting down')
    this.probes.clear()
  }

  get size(): number {
    return this.sessions.size
  }

  private post(request: FastifyRequest<{ Querystring: SessionQuery; Body: string | undefined }>, reply: FastifyReply): FastifyReply {
    const query = request.query
    if (query.sid === undefined) return this.open(request, reply)
    const session = this.find(request, reply, query)
    if (session === null) return reply
    if (session.socket.upgraded) return conflict(reply)
    const records = decodeBatch(typeof request.body === 'string' ? request.body : '')
    for (const record of records) {
      if (Buffer.byteLength(record) > MAX_FRAME_BYTES) {
        // As ws does for an oversized frame: the link is closed with 1009, nothing of it handled.
        session.socket.close(CloseCodes.TOO_BIG, 'frame too big')
        return reply
          .code(413)
          .send({ error: { code: 'TOO_LARGE', message: `a frame is over ${MAX_FRAME_BYTES} bytes` }, close: session.socket.closedWith })
      }
    }
    for (const record of records) session.socket.receive(record)
    return reply.code(204).header('cache-control', 'no-store').send()
  }

  private open(request: FastifyRequest, reply: FastifyReply): FastifyReply {
    const user = request.user
    if (!user) return reply.code(401).send({ error: { code: 'UNAUTHORIZED', message: 'no token' } })
    const { hold, idleTimeout, clock } = this.deps.options
    const socket = new PollSocket({ hold, idleTimeout, clock, maxBuffered: MAX_BUFFERED })
    const sid = randomBytes(18).toString('base64url')
    this.deps.accept(socket as unknown as WebSocket, user)
    if (socket.readyState !== 1) {
      // Shutting down: the handler closed it at once.
      return reply.code(503).send({ error: { code: 'UNAVAILABLE', message: 'server shutting down' } })
    }
    this.sessions.set(sid, { socket, user })
    socket.once('close', () => {
      // Remembered for a while, so the next poll learns how it ended.
      clock.setTimeout(() => this.sessions.delete(sid), hold)
    })
    const body: PollingHandshake = { sid, hold, idleTimeout }
    return reply.code(200).header('cache-control', 'no-store').send(body)
  }

  private remove(request: FastifyRequest<{ Querystring: SessionQuery }>, reply: FastifyReply): FastifyReply {
    const query = request.query
    const session = this.find(request, reply, query)
    if (session === null) return reply
    const code = Number(query.code ?? CloseCodes.NORMAL)
    session.socket.clientClosed(Number.isInteger(code) ? code : CloseCodes.NORMAL, String(query.reason ?? '').slice(0, 123))
    return reply.code(204).send()
  }

  /** The session named by `sid`, held by the token's user; else answers 404 and gives null. */
  private find(request: FastifyRequest, reply: FastifyReply, query: SessionQuery): Session | null {
    const session = query.sid === undefined ? undefined : this.sessions.get(query.sid)
    if (!request.user || session?.user.id !== request.user.id) {
      void reply
        .code(404)
        .header('cache-control', 'no-store')
        .send({ error: { code: 'NOT_FOUND', message: 'unknown or expired polling session' } })
      return null
    }
    return session
  }
}

function send(reply: FastifyReply, status: number, body: string): Promise<unknown> {
  const type = status === 200 ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8'
  return Promise.resolve(reply.code(status).header('cache-control', 'no-store').type(type).send(body))
}

function conflict(reply: FastifyReply): FastifyReply {
  return reply.code(409).send({ error: { code: 'CONFLICT', message: 'the session has moved to a WebSocket' } })
}

function badRequest(reply: FastifyReply, message: string): FastifyReply {
  return reply.code(400).send({ error: { code: 'BAD_REQUEST', message } })
}

/** The ack of an `upgrade` frame, or null when the data is not one. */
function upgradeAck(data: Buffer): number | null {
  try {
    const frame = JSON.parse(data.toString('utf8')) as { type?: unknown; ack?: unknown }
    if (frame.type !== UPGRADE_FRAME) return null
    return typeof frame.ack === 'number' && Number.isSafeInteger(frame.ack) && frame.ack >= 0 ? frame.ack : null
  } catch {
    return null
  }
}
