import fs from 'node:fs'
import path from 'node:path'
import type {} from '@fastify/multipart'
import fastifyHelmet from '@fastify/helmet'
import fastifyStatic from '@fastify/static'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Accounts } from './accounts'
import type { ResolvedOptions } from './config'
import { ChatError, isChatError, type ChatErrorCode } from './errors'
import type { Hub } from './hub'
import { perAddress, perUser, registerRateLimit } from './http-rate-limit'
import { authenticate } from './auth'
import type { Store } from './store/store'
import { UPLOAD_NAME, type Uploads } from './uploads'

export interface HttpDeps {
  accounts: Accounts
  store: Store
  hub: Hub
  /** Set when REDIS_URL is: /healthz reports whether Redis is reachable. */
  cluster?: { redisUp: boolean } | null
  uploads: Uploads
  options: ResolvedOptions
  startedAt: number
  isClosing: () => boolean
}

/** Fastify and plugin error codes, mapped to ours. */
const FASTIFY_CODES: Record<string, ChatErrorCode> = {
  FST_REQ_FILE_TOO_LARGE: 'TOO_LARGE',
  FST_FILES_LIMIT: 'TOO_LARGE',
  FST_PARTS_LIMIT: 'TOO_LARGE',
  FST_FIELDS_LIMIT: 'TOO_LARGE',
  FST_ERR_CTP_BODY_TOO_LARGE: 'TOO_LARGE',
  FST_INVALID_MULTIPART_CONTENT_TYPE: 'UNSUPPORTED_TYPE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_TYPE',
}

/** Largest JSON body of a request (uploads have their own limit). */
export const JSON_BODY_LIMIT = 64 * 1024

/** What a size limit's error says: the limit that was hit, not another one. */
function limitMessage(code: string | undefined, uploadMaxBytes: number): string | undefined {
  switch (code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return `request body larger than ${JSON_BODY_LIMIT} bytes`
    case 'FST_REQ_FILE_TOO_LARGE':
      return `upload larger than ${uploadMaxBytes} bytes (UPLOAD_MAX_BYTES)`
    case 'FST_FILES_LIMIT':
      return 'one file per upload'
    case 'FST_PARTS_LIMIT':
    case 'FST_FIELDS_LIMIT':
      return 'too many parts in the upload: send one file field'
    default:
      return undefined
  }
}

/**
 * What a failed upload answers. Ours and fastify's coded errors as they are; anything else is the
 * body's fault (busboy's "Unexpected end of form", "Malformed part header"...): 400, not 500. A
 * client that went away mid-upload is logged as what it is, at info, not as a server error.
 */
function uploadError(err: unknown, request: FastifyRequest): unknown {
  if (isChatError(err)) return err
  const coded = err as Partial<FastifyError>
  if (request.raw.aborted || request.raw.readableAborted || coded.code === 'FST_MP_PREMATURE_CLOSE') {
    request.log.info({ event: 'upload.aborted', user: request.user?.id }, 'upload aborted by the client')
    return new ChatError('BAD_REQUEST', 'the upload was cut off before its end')
  }
  if (coded.code !== undefined && coded.code in FASTIFY_CODES) return err
  if (typeof coded.statusCode === 'number' && coded.statusCode < 500) return err
  const message = err instanceof Error ? err.message : String(err)
  return new ChatError('BAD_REQUEST', `malformed multipart body: ${message}`)
}

export function errorBody(code: ChatErrorCode, message: string): { error: { code: ChatErrorCode; message: string } } {
  return { error: { code, message } }
}

/** The console's policy (console/index.html has the same as a <meta>), plus what only a header can say. */
const CONSOLE_CSP = {
  defaultSrc: ["'none'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'blob:'],
  connectSrc: ["'self'", 'ws:', 'wss:'],
  baseUri: ["'none'"],
  formAction: ["'none'"],
  frameAncestors: ["'none'"],
}

const PLACEHOLDER = `<!doctype html>
<html lang="zh-CN"><meta charset="utf-8"><title>Agent console</title>
<body style="font-family: system-ui, sans-serif; max-width: 40em; margin: 3em auto; line-height: 1.5">
<h1>Agent console not built yet</h1>
<p>The server is running. The agent console is served from this path once it is built
(its static files go in the folder named by <code>CONSOLE_DIR</code>, default <code>build/console/</code>).</p>
<p>Meanwhile: <code>POST /api/agent/login</code>, then connect to <code>/ws?token=…</code>. See docs/protocol.md.</p>
</body></html>
`

export async function registerHttp(app: FastifyInstance, deps: HttpDeps): Promise<void> {
  const { accounts, options, uploads } = deps
  await registerRateLimit(app, options.httpRateLimitStore)
  // Security headers on every route (the console's <meta> CSP cannot say frame-ancestors).
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: { useDefaults: false, directives: CONSOLE_CSP },
    xFrameOptions: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
  })

  app.setErrorHandler((err: FastifyError | ChatError, request, reply) => {
    // One shape for every error, never cached (a 401 in a shared cache would outlive the login).
    void reply.header('cache-control', 'no-store')
    if (isChatError(err)) return reply.code(err.statusCode).send({ error: err.toJSON() })
    if (err.validation) return reply.code(400).send(errorBody('BAD_REQUEST', err.message))
    const mapped = err.code ? FASTIFY_CODES[err.code] : undefined
    if (mapped) {
      const e = new ChatError(mapped, limitMessage(err.code, options.uploadMaxBytes) ?? err.message)
      return reply.code(e.statusCode).send({ error: e.toJSON() })
    }
    const status = err.statusCode ?? 500
    if (status >= 400 && status < 500) return reply.code(status).send(errorBody('BAD_REQUEST', err.message))
    request.log.error({ err, event: 'http.error' }, 'request failed')
    return reply.code(500).send(errorBody('INTERNAL', 'internal error'))
  })

  app.setNotFoundHandler((request, reply) => {
    reply
      .code(404)
      .header('cache-control', 'no-store')
      .send(errorBody('NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}`))
  })

  // 503 when this instance cannot serve (closing, or its database is down): a load balancer takes it out.
  // Redis down is 200 'degraded': sockets here still work, committed writes are safe, other instances hear later.
  app.get('/healthz', async (_request, reply) => {
    const dbUp = await deps.store.healthy()
    const db = !deps.isClosing() && dbUp
    const redis = deps.cluster ? (deps.cluster.redisUp ? 'ok' : 'unavailable') : 'off'
    return reply.code(db ? 200 : 503).send({
      status: db ? (redis === 'unavailable' ? 'degraded' : 'ok') : 'unavailable',
      database: { kind: deps.store.kind, status: dbUp ? 'ok' : 'unavailable' },
      redis,
      uptime: Math.round((Date.now() - deps.startedAt) / 1000),
      connections: deps.hub.size,
      agentsOnline: deps.hub.localAgentIds().length,
    })
  })

  app.post<{ Body: { code: string } }>(
    '/api/login',
    {
      config: { rateLimit: perAddress('customer logins from this address', options.limits.customerLogins) },
      schema: {
        body: {
          type: 'object',
          required: ['code'],
          properties: { code: { type: 'string', minLength: 1, maxLength: 256 } },
        },
      },
    },
    async (request) => accounts.customerLogin(request.body.code),
  )

  app.post<{ Body: { username: string; password: string } }>(
    '/api/agent/login',
    {
      // Counted on arrival, before the password hash: a concurrent burst gets 429 past the limit.
      config: { rateLimit: perAddress('agent logins from this address', options.loginRateLimit) },
      schema: {
        body: {
          type: 'object',
          required: ['username', 'password'],
          properties: {
            username: { type: 'string', minLength: 1, maxLength: 64 },
            password: { type: 'string', minLength: 1, maxLength: 256 },
          },
        },
      },
    },
    async (request) => {
      try {
        const result = await accounts.agentLogin(request.body.username, request.body.password)
        request.log.info({ event: 'agent.login', user: result.user.id }, 'agent logged in')
        return result
      } catch (err) {
        if (isChatError(err) && err.code === 'UNAUTHORIZED') {
          request.log.warn({ event: 'agent.login.failed', username: request.body.username }, 'agent login failed')
        }
        throw err
      }
    },
  )

  // Uploaded images: served from DATA_DIR/uploads with the type their bytes were checked as (it is in the name).
  await app.register(fastifyStatic, {
    root: uploads.dir,
    serve: false,
    maxAge: '365d',
    immutable: true,
    setHeaders(res) {
      res.header('x-content-type-options', 'nosniff')
      res.header('content-security-policy', "default-src 'none'")
    },
  })

  // Who the token is, for clients that must tell a refused token from a server that is down.
  app.get('/api/me', { preValidation: authenticate(accounts) }, async (request, reply) => {
    const { user, tokenExpiresAt } = request
    if (user === null || tokenExpiresAt === null) throw new ChatError('UNAUTHORIZED', 'token required')
    return reply.header('cache-control', 'no-store').send({ user, expiresAt: tokenExpiresAt })
  })

  // Streamed to disk as it arrives (Uploads#saveStream); counted per user once the token is checked.
  app.post(
    '/api/upload',
    {
      preValidation: authenticate(accounts),
      config: { rateLimit: perUser('uploads by this user', options.limits.uploads) },
    },
    async (request: FastifyRequest, reply: FastifyReply) => {
      try {
        const file = await request.file()
        if (!file) throw new ChatError('BAD_REQUEST', 'send multipart/form-data with one file field')
        const stored = await uploads.saveStream(file.file, options.uploadMaxBytes)
        request.log.info({ event: 'upload', user: request.user?.id, name: stored.name, size: stored.size }, 'upload stored')
        return await reply.code(201).send(stored)
      } catch (err) {
        throw uploadError(err, request)
      }
    },
  )

  app.get<{ Params: { name: string } }>('/uploads/:name', async (request, reply) => {
    const { name } = request.params
    if (!UPLOAD_NAME.test(name) || !uploads.has(name)) throw new ChatError('NOT_FOUND', 'no such upload')
    return reply.sendFile(name)
  })

  // The agent console (issue 5 builds it into consoleDir); a placeholder page until it exists.
  const consoleBuilt = fs.existsSync(path.join(options.consoleDir, 'index.html'))
  if (consoleBuilt) {
    await app.register(fastifyStatic, { root: options.consoleDir, prefix: '/agent/', decorateReply: false })
  } else {
    app.get('/agent/', async (_request, reply) => reply.type('text/html; charset=utf-8').send(PLACEHOLDER))
  }
  app.get('/agent', async (_request, reply) => reply.redirect('/agent/'))
  app.get('/', async (_request, reply) => reply.redirect('/agent/'))
}
