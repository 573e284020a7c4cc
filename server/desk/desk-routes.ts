/**
 * The service desk over HTTP (docs/protocol.md §4): canned replies, internal notes, history,
 * search, a customer's profile, a read-only transcript, the agent's status; and for customers,
 * the device they run on. Agents only, except `PUT /api/me/device`. JSON errors as every route's.
 */
import { randomBytes } from 'node:crypto'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { AgentStatus } from '../../src/protocol'
import type { Accounts } from '../accounts'
import { authenticate } from '../auth'
import type { Conversations } from '../conversations'
import { ChatError } from '../errors'
import type { Hub } from '../hub'
import type { User } from '../types'
import { DEVICE_FIELDS, type CannedScope, type DeskStore, type DeviceInfo } from './desk-store'
import { searchTerms } from './search-terms'

export interface DeskRouteDeps {
  accounts: Accounts
  desk: DeskStore
  chat: Conversations
  hub: Hub
  textMaxLength: number
  now: () => number
}

const TITLE_MAX = 40
const NOTE_MAX = 2000
const TRANSCRIPT_LIMIT = 1000
const PAGE_MAX = 100
const STATUSES: readonly AgentStatus[] = ['online', 'busy', 'away']

function newId(prefix: string): string {
  return `${prefix}_${randomBytes(9).toString('base64url')}`
}

function agentOf(request: FastifyRequest): User {
  const user = request.user
  if (user === null) throw new ChatError('UNAUTHORIZED', 'token required')
  if (user.role !== 'agent') throw new ChatError('FORBIDDEN', 'only agents use the service desk')
  return user
}

/** A whole number from a query string (they arrive as strings), within [min, max]; `fallback` when absent. */
function queryInt(value: string | undefined, name: string, fallback: number, min: number, max: number): number {
  if (value === undefined || value === '') return fallback
  if (!/^\d+$/.test(value)) throw new ChatError('BAD_REQUEST', `"${name}" must be a whole number`)
  const n = Number(value)
  if (n < min || n > max) throw new ChatError('BAD_REQUEST', `"${name}" must be between ${min} and ${max}`)
  return n
}

const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', minLength: 1, maxLength: 64 } } } as const

export function registerDeskRoutes(app: FastifyInstance, deps: DeskRouteDeps): void {
  const { desk, chat, hub } = deps
  const auth = { preValidation: authenticate(deps.accounts) }
  const textSchema = (max: number) => ({ type: 'string', minLength: 1, maxLength: max, pattern: '\\S' })

  // ---- canned replies ----
  app.get('/api/desk/canned', auth, async (request) => ({ replies: await desk.cannedReplies(agentOf(request).id) }))

  app.post<{ Body: { title: string; text: string; scope: CannedScope } }>(
    '/api/desk/canned',
    {
      ...auth,
      schema: {
        body: {
          type: 'object',
          required: ['title', 'text', 'scope'],
          additionalProperties: false,
          properties: {
            title: textSchema(TITLE_MAX),
            text: textSchema(deps.textMaxLength),
            scope: { type: 'string', enum: ['team', 'personal'] },
          },
        },
      },
    },
    async (request, reply) => {
      const agent = agentOf(request)
      const { title, text, scope } = request.body
      const saved = await desk.insertCanned(
        { id: newId('cr'), ownerId: scope === 'team' ? null : agent.id, title: title.trim(), text },
        deps.now(),
      )
      return reply.code(201).send({ reply: saved })
    },
  )

  app.put<{ Params: { id: string }; Body: { title: string; text: string } }>(
    '/api/desk/canned/:id',
    {
      ...auth,
      schema: {
        params: idParams,
        body: {
          type: 'object',
          required: ['title', 'text'],
          additionalProperties: false,
          properties: { title: textSchema(TITLE_MAX), text: textSchema(deps.textMaxLength) },
        },
      },
    },
    async (request) => {
      const agent = agentOf(request)
      const saved = await desk.updateCanned(
        request.params.id,
        agent.id,
        { title: request.body.title.trim(), text: request.body.text },
        deps.now(),
      )
      if (saved === undefined) throw new ChatError('NOT_FOUND', `no canned reply ${request.params.id}`)
      return { reply: saved }
    },
  )

  app.delete<{ Params: { id: string } }>('/api/desk/canned/:id', { ...auth, schema: { params: idParams } }, async (request, reply) => {
    const agent = agentOf(request)
    if (!(await desk.deleteCanned(request.params.id, agent.id))) throw new ChatError('NOT_FOUND', `no canned reply ${request.params.id}`)
    return reply.code(204).send()
  })

  // ---- conversations: transcript and notes ----
  app.get<{ Params: { id: string } }>('/api/desk/conversations/:id', { ...auth, schema: { params: idParams } }, async (request) => {
    agentOf(request)
    const transcript = await desk.transcript(request.params.id, TRANSCRIPT_LIMIT)
    if (transcript === undefined) throw new ChatError('NOT_FOUND', `no conversation ${request.params.id}`)
    return transcript
  })

  app.get<{ Params: { id: string } }>('/api/desk/conversations/:id/notes', { ...auth, schema: { params: idParams } }, async (request) => {
    agentOf(request)
    return { notes: await desk.notes(request.params.id) }
  })

  app.post<{ Params: { id: string }; Body: { text: string } }>(
    '/api/desk/conversations/:id/notes',
    {
      ...auth,
      schema: {
        params: idParams,
        body: { type: 'object', required: ['text'], additionalProperties: false, properties: { text: textSchema(NOTE_MAX) } },
      },
    },
    async (request, reply) => {
      const agent = agentOf(request)
      const conversation = await desk.transcript(request.params.id, 0)
      if (conversation === undefined) throw new ChatError('NOT_FOUND', `no conversation ${request.params.id}`)
      const note = await desk.insertNote(
        { id: newId('note'), conversationId: request.params.id, author: { id: agent.id, name: agent.name }, text: request.body.text },
        deps.now(),
      )
      return reply.code(201).send({ note })
    },
  )

  // ---- history, search, customers ----
  app.get<{ Querystring: { before?: string; limit?: string } }>('/api/desk/history', auth, async (request) => {
    agentOf(request)
    const before = queryInt(request.query.before, 'before', Number.MAX_SAFE_INTEGER, 0, Number.MAX_SAFE_INTEGER)
    const limit = queryInt(request.query.limit, 'limit', 30, 1, PAGE_MAX)
    return desk.history(before, limit)
  })

  app.get<{ Querystring: { q?: string; limit?: string } }>('/api/desk/search', auth, async (request) => {
    agentOf(request)
    const q = request.query.q ?? ''
    if (q.length > 200) throw new ChatError('BAD_REQUEST', '"q" must be at most 200 characters')
    const terms = searchTerms(q)
    if (terms.length === 0) throw new ChatError('BAD_REQUEST', '"q" must hold at least one word')
    const limit = queryInt(request.query.limit, 'limit', 50, 1, PAGE_MAX)
    return { terms, hits: await desk.search(terms, limit) }
  })

  app.get<{ Params: { id: string } }>('/api/desk/customers/:id', { ...auth, schema: { params: idParams } }, async (request) => {
    agentOf(request)
    const profile = await desk.customer(request.params.id)
    if (profile === undefined) throw new ChatError('NOT_FOUND', `no customer ${request.params.id}`)
    return profile
  })

  // ---- my status ----
  app.get('/api/desk/status', auth, async (request) => ({ status: await desk.agentStatus(agentOf(request).id) }))

  app.put<{ Body: { status: AgentStatus } }>(
    '/api/desk/status',
    {
      ...auth,
      schema: {
        body: {
          type: 'object',
          required: ['status'],
          additionalProperties: false,
          properties: { status: { type: 'string', enum: STATUSES } },
        },
      },
    },
    async (request) => {
      const agent = agentOf(request)
      const { status } = request.body
      await desk.setAgentStatus(agent.id, status)
      request.log.info({ event: 'agent.status', user: agent.id, status }, 'agent status')
      hub.deliver(await chat.agentStatusChanged(agent, status))
      return { status }
    },
  )

  // ---- customers: the device the mini-program runs on ----
  const deviceProperties = Object.fromEntries(DEVICE_FIELDS.map((f) => [f, { type: 'string', maxLength: 64 }]))
  app.put<{ Body: DeviceInfo }>(
    '/api/me/device',
    { ...auth, schema: { body: { type: 'object', additionalProperties: false, properties: deviceProperties } } },
    async (request, reply) => {
      const user = request.user
      if (user === null) throw new ChatError('UNAUTHORIZED', 'token required')
      if (user.role !== 'customer') throw new ChatError('FORBIDDEN', 'only customers report a device')
      const device: DeviceInfo = {}
      for (const field of DEVICE_FIELDS) {
        const value = request.body[field]?.trim()
        if (value) device[field] = value
      }
      await desk.setDevice(user.id, device)
      return reply.code(204).send()
    },
  )

  // Browsers ask for /favicon.ico on pages without an icon link (the console has one).
  app.get('/favicon.ico', async (_request, reply) => reply.redirect('/agent/favicon.svg', 301))
}
