/**
 * bench:cluster (issue 11): customer → agent latency at a fixed offered rate, and idle connections
 * with memory per connection, for one instance on SQLite (the baseline, in the same run), one on
 * PostgreSQL, and two behind nginx on PostgreSQL + Redis. Every instance is the built server
 * (`node build/server/main.js`) as a child process; all clients run here, on one clock.
 *
 *   npm run bench:cluster
 *   needs DATABASE_URL (a scratch PostgreSQL database: the bench creates customers and the demo agent)
 *   and REDIS_URL (or TEST_DATABASE_URL / TEST_REDIS_URL as scripts/cluster-services.sh prints them),
 *   nginx at NGINX_BIN (default /usr/sbin/nginx).
 *   options: --rate 200 (messages/s) --seconds 4 --customers 20 --idle 500 (connections per setup)
 *
 * Memory is the instances' resident set (VmRSS from /proc, no forced GC) before and after the idle
 * connections are opened, summed over the setup's instances.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { freePort, startInstance, startNginx, stopInstance, type Instance, type Nginx } from '../scripts/cluster-local'
import { chatRun, type ChatEndpoint } from './lib/chat-latency'
import { arg, percentile, ratio, table } from './lib/report'
import { record } from './lib/results'
import { AGENT_PASSWORD, loginCustomers, openSocket, pool } from './lib/server-processes'

const RATE = arg('rate', 200)
const SECONDS = arg('seconds', 4)
const CUSTOMERS = arg('customers', 20)
const IDLE = arg('idle', 500)
const WARMUP_SECONDS = 1
/** Message ids unique to this run: PostgreSQL keeps earlier runs' messages, and a repeated id would be deduplicated. */
const RUN = Date.now().toString(36)
// scripts/run-ts.mjs runs the bundle from build/<name>/, as for scripts/cluster.ts.
const ROOT = path.resolve(__dirname, '../..')
const SECRET = 'bench-cluster-secret-at-least-32-characters'

interface Setup {
  name: string
  endpoint: ChatEndpoint
  instances: Instance[]
  stop(): Promise<void>
}

function rssOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))
  return m ? Number(m[1]) * 1024 : 0
}

async function start(name: string, count: number, env: Record<string, string>, nginxBin?: string): Promise<Setup> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-cluster-'))
  const main = path.join(ROOT, 'build/server/main.js')
  const instances: Instance[] = []
  for (let i = 0; i < count; i++) {
    instances.push(
      await startInstance(`${name} ${i + 1}`, main, {
        DATA_DIR: path.join(dir, `data-${i}`),
        UPLOADS_DIR: path.join(dir, 'uploads'),
        DEMO_AGENT_PASSWORD: AGENT_PASSWORD,
        LOG_LEVEL: 'info',
        // The bench is every customer's proxy: each login's X-Forwarded-For is its own address (loginCustomers).
        TRUST_PROXY: '127.0.0.1',
        ...env,
      }),
    )
  }
  let nginx: Nginx | undefined
  if (nginxBin) {
    const port = await freePort()
    nginx = await startNginx(nginxBin, { listenPort: port, upstreams: instances.map((i) => i.port), prefix: path.join(dir, 'nginx') })
  }
  const url = nginx ? nginx.url : instances[0]!.url
  return {
    name,
    endpoint: { url, wsUrl: `${url.replace('http', 'ws')}/ws` },
    instances,
    stop: async () => {
      await nginx?.stop()
      await Promise.all(instances.map((i) => stopInstance(i)))
      fs.rmSync(dir, { recursive: true, force: true })
    },
  }
}

interface Result {
  name: string
  instances: number
  samples: number
  p50: number
  p99: number
  idle: number
  bytesPerConnection: number
}

async function measure(setup: Setup): Promise<Result> {
  const total = Math.round(RATE * (SECONDS + WARMUP_SECONDS))
  const warmup = Math.round(RATE * WARMUP_SECONDS)
  const s = await chatRun(setup.endpoint, RATE, total, warmup, `${setup.name.replace(/\W/g, '')}-${RUN}-`, CUSTOMERS)
  const rss = () => setup.instances.reduce((sum, i) => sum + rssOf(i.child.pid!), 0)
  const tokens = await loginCustomers(setup.endpoint, IDLE)
  const before = rss()
  const { results: sockets, error } = await pool(tokens.length, 32, (i) => openSocket(setup.endpoint.wsUrl, tokens[i]))
  await new Promise((r) => setTimeout(r, 500)) // let the instances settle their per-socket state before reading RSS
  const after = rss()
  for (const ws of sockets) ws.terminate()
  if (error) console.error(`${setup.name}: ${sockets.length} of ${IDLE} idle connections opened (${error.message})`)
  return {
    name: setup.name,
    instances: setup.instances.length,
    samples: s.oneHop.length,
    p50: percentile(s.oneHop, 50),
    p99: percentile(s.oneHop, 99),
    idle: sockets.length,
    bytesPerConnection: sockets.length ? (after - before) / sockets.length : 0,
  }
}

async function main(): Promise<void> {
  const databaseUrl = process.env.DATABASE_URL ?? process.env.TEST_DATABASE_URL
  const redisUrl = process.env.REDIS_URL ?? process.env.TEST_REDIS_URL
  const nginxBin = process.env.NGINX_BIN ?? '/usr/sbin/nginx'
  if (!databaseUrl || !redisUrl || !fs.existsSync(nginxBin)) {
    // Skipped, not failed: `npm run bench` runs every bench:* script, also where these services are not installed.
    console.log(
      'bench:cluster skipped: it needs DATABASE_URL, REDIS_URL (or TEST_…, as scripts/cluster-services.sh prints them) and nginx (NGINX_BIN); see README, "Several instances".',
    )
    return
  }
  console.log(
    `Customer → agent (one hop) at ${RATE} messages/s offered for ${SECONDS} s (after ${WARMUP_SECONDS} s warm-up), ${CUSTOMERS} customers → 1 agent; then ${IDLE} idle customer connections.`,
  )
  const results: Result[] = []
  const plans: Array<() => Promise<Setup>> = [
    () => start('1 instance, SQLite', 1, {}),
    () => start('1 instance, PostgreSQL', 1, { DATABASE_URL: databaseUrl, SECRET }),
    () => start('2 instances + nginx, PostgreSQL + Redis', 2, { DATABASE_URL: databaseUrl, REDIS_URL: redisUrl, SECRET }, nginxBin),
  ]
  for (const plan of plans) {
    const setup = await plan()
    try {
      results.push(await measure(setup))
    } catch (err) {
      for (const i of setup.instances) console.error(`${i.name} log:\n${i.stdout().slice(-1500)}${i.stderr().slice(-1500)}`)
      throw err
    } finally {
      await setup.stop()
    }
  }
  const base = results[0]!
  const ms = (v: number) => `${v.toFixed(2)} ms`
  table(
    ['setup', 'one-hop samples', 'p50', 'p99', 'p50 × SQLite', 'p99 × SQLite', 'idle conns', 'KiB / conn (RSS)'],
    results.map((r) => [
      r.name,
      r.samples,
      ms(r.p50),
      ms(r.p99),
      ratio(r.p50, base.p50),
      ratio(r.p99, base.p99),
      r.idle,
      (r.bytesPerConnection / 1024).toFixed(1),
    ]),
  )
  record('cluster', { rate: RATE, seconds: SECONDS, customers: CUSTOMERS, idle: IDLE, results })
}

main().catch((err: unknown) => {
  console.error(err)
  process.exit(1)
})
