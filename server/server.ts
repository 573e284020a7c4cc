import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import fastifyMultipart from '@fastify/multipart'
import fastifyWebsocket from '@fastify/websocket'
import Fastify, { LogController, type FastifyInstance, type FastifyReply } from 'fastify'
import { Accounts, type DemoAgentResult } from './accounts'
import { MAX_FRAME_BYTES, MEMORY, resolveOptions, type ResolvedOptions, type ServerOptions } from './config'
import { errorBody, JSON_BODY_LIMIT, registerHttp } from './http'
import { Hub } from './hub'
import { Conversations } from './conversations'
import { PollingEndpoint } from './polling'
import { registerDeskRoutes } from './desk/desk-routes'
import { PostgresDeskStore } from './desk/postgres-desk-store'
import { SqliteDeskStore } from './desk/sqlite-desk-store'
import { Cluster } from './cluster/cluster'
import { SocketHandler } from './socket-handler'
import { PostgresStore } from './store/postgres'
import { SqliteStore } from './store/sqlite'
import type { Store } from './store/store'
import { loadOrCreateSecret, Tokens } from './tokens'
import { Uploads } from './uploads'

export interface RunningServer {
  /** HTTP base, e.g. http://127.0.0.1:8080 */
  url: string
  /** The chat socket, e.g. ws://127.0.0.1:8080/ws (add ?token= or an Authorization header). */
  wsUrl: string
  /** The agent console, e.g. http://127.0.0.1:8080/agent/ */
  consoleUrl: string
  host: string
  port: number
  /** Absolute path of the data folder, or ':memory:'. */
  dataDir: string
  /** The demo agent when this start created it (its password included), else null. */
  demoAgent: DemoAgentResult | null
  /** Logins and agent accounts, for tools and tests (e.g. `accounts.addAgent(...)`). */
  accounts: Accounts
  options: ResolvedOptions
  app: FastifyInstance
  /** Graceful shutdown: stop accepting, close sockets with 1001, close the database. Idempotent. */
  close(): Promise<void>
}

interface Paths {
  dbFile: string
  uploadsDir: string
  secret: string
  cleanup(): void
}

function preparePaths(options: ResolvedOptions): Paths {
  if (options.dataDir === MEMORY) {
    // A throwaway server: the database lives in memory, uploads in a temp folder removed on close (unless UPLOADS_DIR names one).
    const uploadsDir = options.uploadsDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'chat-uploads-'))
    return {
      dbFile: MEMORY,
      uploadsDir,
      secret: options.secret ?? randomBytes(32).toString('base64url'),
      cleanup: () => (options.uploadsDir === null ? fs.rmSync(uploadsDir, { recursive: true, force: true }) : undefined),
    }
  }
  const dbFile = path.join(options.dataDir, 'chat.db')
  // On PostgreSQL the folder holds the secret (unless SECRET is set) and uploads: private too, but no chat.db.
  if (options.databaseUrl === null) restrictDataDir(options.dataDir, dbFile)
  else fs.mkdirSync(options.dataDir, { recursive: true, mode: 0o700 })
  return {
    dbFile,
    uploadsDir: options.uploadsDir ?? path.join(options.dataDir, 'uploads'),
    secret: options.secret ?? loadOrCreateSecret(options.dataDir),
    cleanup: () => undefined,
  }
}

/**
 * The data folder holds password hashes and every message: only the server's user may read it.
 * The folder is made 0700 and the database 0600 before SQLite opens it (SQLite gives its -wal
 * and -shm the database's mode); those of an earlier start are tightened too.
 */
function restrictDataDir(dataDir: string, dbFile: string): void {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 })
  fs.chmodSync(dataDir, 0o700)
  fs.closeSync(fs.openSync(dbFile, 'a', 0o600))
  for (const file of [dbFile, `${dbFile}-wal`, `${dbFile}-shm`]) {
    try {
      fs.chmodSync(file, 0o600)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
    }
  }
}

/** SQLite under the data folder, or PostgreSQL when `databaseUrl` is set; migrated either way. */
export function openStore(options: ResolvedOptions, dbFile: string, onIdleError?: (err: Error) => void): Promise<Store> {
  if (options.databaseUrl !== null) return PostgresStore.open(options.databaseUrl, onIdleError ? { onIdleError } : {})
  return Promise.resolve(SqliteStore.open(dbFile, { synchronous: options.sqliteSynchronous, groupCommit: options.sqliteGroupCommit }))
}

/** Opens the database (migrating it) and the accounts on it; used by the server and the agent CLI. */
export async function openData(
  options: ResolvedOptions,
  onIdleError?: (err: Error) => void,
): Promise<{ store: Store; accounts: Accounts; tokens: Tokens; paths: Paths }> {
  const paths = preparePaths(options)
  let store: Store
  try {
    store = await openStore(options, paths.dbFile, onIdleError)
  } catch (err) {
    paths.cleanup()
    throw err
  }
  const tokens = new Tokens(paths.secret, options.tokenTtl)
  const accounts = new Accounts(store, tokens, { wechat: options.wechat, ...(options.fetch ? { fetch: options.fetch } : {}) })
  return { store, accounts, tokens, paths }
}

/**
 * Starts the reference server: HTTP and the chat socket on one port.
 * `startServer({ port: 0, dataDir: ':memory:', logLevel: 'silent' })` is the usual test setup.
 */
export async function startServer(input: ServerOptions = {}): Promise<RunningServer> {
  const options = resolveOptions(input)
  const { store, accounts, paths } = await openData(options, (err) =>
    process.stderr.write(`database connection lost (the pool reconnects): ${err.message}\n`),
  )
  let app: FastifyInstance | undefined
  let cluster: Cluster | null = null
  try {
    const demoAgent = options.demoAgent === false ? null : await accounts.ensureDemoAgent(options.demoAgent)
    const hub = new Hub(() => options.clock.now())
    // The service desk's tables (canned replies, notes, status, search) live beside the chat's, on either store.
    const desk =
      store instanceof SqliteStore ? new SqliteDeskStore(store) : store instanceof PostgresStore ? new PostgresDeskStore(store) : null
    const uploads = new Uploads(paths.uploadsDir)
    let closing = false

    app = Fastify({
      logger: { level: options.logLevel, ...(options.logStream !== undefined ? { stream: options.logStream } : {}) },
      // One line per request comes from the onResponse hook below, not fastify's two.
      logController: new LogController({ disableRequestLogging: true }),
      bodyLimit: JSON_BODY_LIMIT,
      // Errors fastify answers before any route (a bad URL encoding): the same shape as every other.
      frameworkErrors: (error, _request, reply: FastifyReply) => {
        void reply.code(400).header('cache-control', 'no-store').send(errorBody('BAD_REQUEST', error.message))
      },
      // Behind nginx (deploy/nginx.conf): request.ip is the client's, from X-Forwarded-For, for these proxies only.
      ...(options.trustProxy !== null ? { trustProxy: options.trustProxy } : {}),
      return503OnClosing: true,
      // A number where a string belongs is a client bug to report, not to paper over.
      ajv: { customOptions: { coerceTypes: false } },
    })
    // In a cluster, presence and deliveries go through Redis; alone, the hub is both.
    // The socket layer is built on the cluster's presence; the cluster reports dead instances' agents to it.
    const late: { sockets?: SocketHandler } = {}
    cluster =
      options.redisUrl === null
        ? null
        : await Cluster.start({
            redisUrl: options.redisUrl,
            ttlMs: options.presenceTtlMs,
            hub,
            log: app.log,
            orphaned: (ids) => void late.sockets?.agentsGone(ids),
          })
    const chat = new Conversations(store, cluster?.presence ?? hub, {
      now: () => options.clock.now(),
      maxPerAgent: options.maxConversationsPerAgent,
      ...(desk !== null ? { statusOf: (id: string) => desk.agentStatusNow(id) } : {}),
    })
    const sockets = new SocketHandler({
      accounts,
      chat,
      hub,
      uploads,
      options,
      log: app.log,
      ...(cluster ? { cluster: cluster.presence } : {}),
    })
    late.sockets = sockets
    const polling = new PollingEndpoint({
      accounts,
      accept: (socket, user) => sockets.accept(socket, null, user),
      log: app.log,
      options: { hold: options.pollingHold, idleTimeout: options.pollingIdleTimeout, clock: options.clock },
    })

    // One log line per HTTP request (upgrades that succeed are logged by the socket).
    app.addHook('onResponse', async (request, reply) => {
      request.log.info(
        {
          event: 'http',
          method: request.method,
          path: request.url.split('?')[0],
          status: reply.statusCode,
          ms: Math.round(reply.elapsedTime),
        },
        'http',
      )
    })

    await app.register(fastifyWebsocket, {
      options: { maxPayload: MAX_FRAME_BYTES },
      preClose: async () => {
        closing = true
        polling.closeProbes()
        await cluster?.leave()
        await sockets.closeAll(options.shutdownTimeout)
      },
      errorHandler(error, socket, request) {
        // ws has already started closing (1009 for an oversized frame, 1002 for a protocol error).
        request.log.info({ event: 'socket.error', code: (error as NodeJS.ErrnoException).code, message: error.message }, 'socket error')
        if (socket.readyState === socket.OPEN) socket.terminate()
      },
    })
    await app.register(fastifyMultipart, {
      // fileSize one past the cap: Uploads#saveStream sees the byte too many and refuses with the cap in its message.
      limits: { fileSize: options.uploadMaxBytes + 1, files: 1, fields: 10, parts: 20 },
    })
    app.decorateRequest('user', null)
    app.decorateRequest('tokenExpiresAt', null)
    app.decorateRequest('credential', null)
    sockets.register(app, polling)
    polling.register(app, '/ws')
    await sockets.start()
    // Login limits shared by every instance: @fastify/rate-limit's Redis store on the cluster's connection
    // (skipOnError: while Redis is away the limits are not enforced rather than every login refused).
    const httpOptions: ResolvedOptions =
      cluster && options.httpRateLimitStore === undefined
        ? { ...options, httpRateLimitStore: { redis: cluster.link.cmd, nameSpace: 'chat-rate-limit:', skipOnError: true } }
        : options
    await registerHttp(app, {
      accounts,
      store,
      hub,
      cluster,
      uploads,
      options: httpOptions,
      startedAt: options.clock.now(),
      isClosing: () => closing,
    })
    if (desk !== null) {
      registerDeskRoutes(app, { accounts, desk, chat, hub, textMaxLength: options.textMaxLength, now: () => options.clock.now() })
    }

    app.addHook('onClose', async () => {
      await cluster?.close()
      await store.close()
      paths.cleanup()
    })

    await app.listen({ port: options.port, host: options.host })
    const address = app.server.address()
    const port = typeof address === 'object' && address !== null ? address.port : options.port
    const hostForUrl = options.host.includes(':') ? `[${options.host}]` : options.host
    const url = `http://${hostForUrl}:${port}`
    app.log.info({ event: 'listening', url, dataDir: options.dataDir, devLogin: accounts.devMode }, 'listening')

    const server = app
    let closed: Promise<void> | undefined
    return {
      url,
      wsUrl: `ws://${hostForUrl}:${port}/ws`,
      consoleUrl: `${url}/agent/`,
      host: options.host,
      port,
      dataDir: options.dataDir,
      demoAgent,
      accounts,
      options,
      app: server,
      close: () => {
        closed ??= server.close().then(() => server.log.info({ event: 'closed' }, 'server closed'))
        return closed
      },
    }
  } catch (err) {
    if (app) await app.close().catch(() => undefined)
    await cluster?.close()
    await store.close()
    paths.cleanup()
    throw err
  }
}
