/**
 * A real cluster for the tests: two (or more) built server instances as child processes on a
 * PostgreSQL schema of their own (TEST_DATABASE_URL) and a Redis server of their own (a
 * `redis-server` child on a free port, so a test can restart it), behind a real nginx (NGINX_BIN,
 * default /usr/sbin/nginx). .ci/run provides all three; see README, "Several instances".
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { freePort, RedisServer, startInstance, startNginx, stopInstance, type Instance, type Nginx } from '../../../scripts/cluster-local'
import { schemaUrl, dropTestSchemas, testDatabaseUrl, TEST_CLUSTER_SECRET } from '../../helpers/test-database'
import { buildServer } from '../../server/helpers/built-server'
import { chatClient, type ChatClient } from '../../server/helpers/chat-socket-client'
import { postJson } from '../../server/helpers/server-harness'

export const AGENT_PASSWORD = 'cluster-agent-password'

export function requireServices(): { databaseUrl: string; nginxBin: string; redisBin: string } {
  const databaseUrl = testDatabaseUrl()
  const nginxBin = process.env.NGINX_BIN ?? '/usr/sbin/nginx'
  const redisBin = process.env.REDIS_SERVER_BIN ?? 'redis-server'
  const missing: string[] = []
  if (databaseUrl === undefined) missing.push('TEST_DATABASE_URL (a PostgreSQL to make schemas in)')
  if (!fs.existsSync(nginxBin)) missing.push(`nginx at ${nginxBin} (NGINX_BIN)`)
  if (spawnSync(redisBin, ['--version']).status !== 0) missing.push(`${redisBin} (REDIS_SERVER_BIN)`)
  if (missing.length > 0 || databaseUrl === undefined) {
    throw new Error(
      `npm run test:cluster needs ${missing.join(', ')}: eval "$(scripts/cluster-services.sh start)" starts them (README, "Several instances")`,
    )
  }
  return { databaseUrl, nginxBin, redisBin }
}

export interface TestCluster {
  instances: Instance[]
  nginx: Nginx
  redis: RedisServer
  databaseUrl: string
  /** ws://nginx/ws */
  wsUrl: string
  url: string
  /** Kills instance i with SIGKILL (a crash). */
  kill(i: number): Promise<void>
  /** Starts instance i again on its port. */
  restart(i: number): Promise<void>
  loginCustomer(code: string): Promise<string>
  loginAgent(username?: string, password?: string): Promise<{ token: string; id: string }>
  addAgent(username: string, password: string): void
  /** A ChatSocket through nginx, reconnected until it landed on instance `on` (nginx alternates between instances). */
  connectVia(token: string, on: number, options?: { reconnect?: boolean }): Promise<ChatClient>
  /** Socket count of instance i (its /healthz). */
  connections(i: number): Promise<number>
  stop(): Promise<void>
}

export async function startCluster(options: { instances?: number; env?: Record<string, string> } = {}): Promise<TestCluster> {
  const { nginxBin, redisBin } = requireServices()
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chat-cluster-'))
  const build = buildServer()
  const databaseUrl = schemaUrl()
  const redis = new RedisServer(await freePort(), redisBin, dir)
  await redis.start()
  const uploadsDir = path.join(dir, 'uploads')
  fs.mkdirSync(uploadsDir)
  const env = (port: number): Record<string, string> => ({
    DATABASE_URL: databaseUrl,
    REDIS_URL: redis.url,
    SECRET: TEST_CLUSTER_SECRET,
    DATA_DIR: dir,
    UPLOADS_DIR: uploadsDir,
    PORT: String(port),
    DEMO_AGENT_PASSWORD: AGENT_PASSWORD,
    TRUST_PROXY: '127.0.0.1',
    RATE_LIMIT_RATE: '2000',
    RATE_LIMIT_BURST: '2000',
    PRESENCE_TTL_MS: '3000',
    ...options.env,
  })
  const main = path.join(build.dir, 'main.js')
  const instances: Instance[] = []
  // One after the other: the first creates the demo agent.
  for (let i = 0; i < (options.instances ?? 2); i++) instances.push(await startInstance(String.fromCharCode(65 + i), main, env(0)))
  const nginxPort = await freePort()
  const nginx = await startNginx(nginxBin, {
    listenPort: nginxPort,
    upstreams: instances.map((x) => x.port),
    prefix: path.join(dir, 'nginx'),
  })
  const url = nginx.url
  const clients: ChatClient[] = []

  const cluster: TestCluster = {
    instances,
    nginx,
    redis,
    databaseUrl,
    url,
    wsUrl: `ws://127.0.0.1:${nginxPort}/ws`,
    async kill(i) {
      await stopInstance(instances[i]!, 'SIGKILL')
    },
    async restart(i) {
      const old = instances[i]!
      instances[i] = await startInstance(old.name, main, env(old.port))
    },
    async loginCustomer(code) {
      // Each customer from an address of its own (as through a real network): nginx appends it to
      // X-Forwarded-For and the instances (TRUST_PROXY=127.0.0.1) count login limits per that address.
      let h = 0
      for (const ch of code) h = (h * 31 + ch.charCodeAt(0)) >>> 0
      const address = `10.${(h >>> 16) & 255}.${(h >>> 8) & 255}.${h & 255}`
      const res = await postJson(`${url}/api/login`, { code }, { 'x-forwarded-for': address })
      if (res.status !== 200) throw new Error(`login answered ${res.status}`)
      return (res.body as { token: string }).token
    },
    async loginAgent(username = 'demo', password = AGENT_PASSWORD) {
      const res = await postJson(`${url}/api/agent/login`, { username, password })
      if (res.status !== 200) throw new Error(`agent login answered ${res.status}: ${JSON.stringify(res.body)}`)
      const body = res.body as { token: string; user: { id: string } }
      return { token: body.token, id: body.user.id }
    },
    addAgent(username, password) {
      const res = spawnSync(process.execPath, [path.join(build.dir, 'agent-add.js'), username, '--password', password], {
        env: { PATH: process.env.PATH ?? '', ...env(0) },
        encoding: 'utf8',
      })
      if (res.status !== 0) throw new Error(`agent:add failed: ${res.stderr}`)
    },
    async connections(i) {
      const res = await fetch(`${instances[i]!.url}/healthz`)
      return ((await res.json()) as { connections: number }).connections
    },
    async connectVia(token, on, { reconnect = true } = {}) {
      for (let attempt = 0; attempt < 6; attempt++) {
        const before = await Promise.all(instances.map((_, i) => cluster.connections(i)))
        // Without reconnects: the first dial goes through, later ones wait for ever (a device that died).
        let dialled = false
        const url = reconnect
          ? cluster.wsUrl
          : () => (dialled ? new Promise<string>(() => undefined) : ((dialled = true), Promise.resolve(cluster.wsUrl)))
        const client = chatClient(url, () => token)
        await client.socket.connect()
        const after = await Promise.all(instances.map((_, i) => cluster.connections(i)))
        if (after[on]! > before[on]!) {
          clients.push(client)
          return client
        }
        client.socket.close()
        const closed = async (): Promise<boolean> => {
          const now = await Promise.all(instances.map((_, i) => cluster.connections(i)))
          return now.every((n, i) => n <= before[i]!)
        }
        for (let n = 0; n < 200 && !(await closed()); n++) await new Promise((resolve) => setTimeout(resolve, 10))
      }
      throw new Error(`could not land a socket on instance ${instances[on]!.name} through nginx`)
    },
    async stop() {
      // CLUSTER_TEST_LOGS=dir keeps each instance's log lines for a look after a failure.
      const keep = process.env.CLUSTER_TEST_LOGS
      if (keep) for (const x of instances) fs.writeFileSync(path.join(keep, `${x.name}-${x.port}.log`), x.stdout() + x.stderr())
      for (const c of clients) c.socket.close()
      await nginx.stop()
      await Promise.all(instances.map((x) => stopInstance(x, 'SIGKILL')))
      await redis.stop()
      build.remove()
      dropTestSchemas()
      fs.rmSync(dir, { recursive: true, force: true })
    },
  }
  return cluster
}
