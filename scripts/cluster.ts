/**
 * `npm run cluster`: two server instances (build/server/main.js) and nginx in front, against the
 * PostgreSQL and Redis that DATABASE_URL and REDIS_URL name; prints the one URL to use.
 * README, "Several instances". Ctrl-C stops everything it started.
 *
 *   DATABASE_URL=postgres://… REDIS_URL=redis://… SECRET=$(openssl rand -base64 48) npm run cluster
 *
 * CLUSTER_PORT (8080) is nginx's; the instances take CLUSTER_INSTANCE_PORTS (8081,8082).
 * Every other variable of the server (README, "Server") passes through to both instances.
 */
import fs from 'node:fs'
import path from 'node:path'
import { startInstance, startNginx, stopInstance, type Instance, type Nginx } from './cluster-local'

const ROOT = path.resolve(__dirname, '../..')

function fail(message: string): never {
  process.stderr.write(`npm run cluster: ${message}\n`)
  process.exit(1)
}

async function main(): Promise<void> {
  const env = process.env
  if (!env.DATABASE_URL) fail('set DATABASE_URL=postgres://user:password@host:5432/db (README, "Several instances")')
  if (!env.REDIS_URL) fail('set REDIS_URL=redis://host:6379 (README, "Several instances")')
  if (!env.SECRET) fail('set SECRET to 32 characters or more, the same for every instance (e.g. SECRET=$(openssl rand -base64 48))')
  const port = Number(env.CLUSTER_PORT ?? 8080)
  const ports = (env.CLUSTER_INSTANCE_PORTS ?? '8081,8082').split(',').map((p) => Number(p.trim()))
  if (!Number.isInteger(port) || ports.some((p) => !Number.isInteger(p) || p <= 0))
    fail('CLUSTER_PORT and CLUSTER_INSTANCE_PORTS must be port numbers')
  const nginxBin = env.NGINX_BIN ?? '/usr/sbin/nginx'
  if (!fs.existsSync(nginxBin)) fail(`no nginx at ${nginxBin}: apt-get install nginx, or set NGINX_BIN`)
  const dataDir = path.resolve(env.DATA_DIR ?? 'data/cluster')
  const uploadsDir = path.resolve(env.UPLOADS_DIR ?? path.join(dataDir, 'uploads'))
  fs.mkdirSync(uploadsDir, { recursive: true })

  const passed: Record<string, string> = {}
  for (const [k, v] of Object.entries(env)) if (v !== undefined) passed[k] = v
  const instances: Instance[] = []
  let nginx: Nginx | undefined
  const stop = async (): Promise<void> => {
    await nginx?.stop()
    await Promise.all(instances.map((i) => stopInstance(i)))
  }
  process.on('SIGINT', () => void stop().then(() => process.exit(0)))
  process.on('SIGTERM', () => void stop().then(() => process.exit(0)))
  try {
    const main = path.join(ROOT, 'build/server/main.js')
    // One after the other: the first creates the schema and the demo agent (its password is in its banner).
    for (const [i, p] of ports.entries()) {
      const instance = await startInstance(`instance ${i + 1}`, main, {
        ...passed,
        PORT: String(p),
        DATA_DIR: path.join(dataDir, `instance-${i + 1}`),
        UPLOADS_DIR: uploadsDir,
        TRUST_PROXY: env.TRUST_PROXY ?? '127.0.0.1',
      })
      instances.push(instance)
      instance.child.stdout?.pipe(process.stdout)
      const demo = /Demo agent[^\n]*/.exec(instance.stderr())
      if (demo) process.stderr.write(`  ${demo[0]}\n`)
    }
    nginx = await startNginx(nginxBin, { listenPort: port, upstreams: ports, prefix: path.join(dataDir, 'nginx') })
  } catch (err) {
    await stop()
    fail((err as Error).message)
  }
  process.stderr.write(
    [
      '',
      `  Cluster: ${instances.length} instances (${ports.map((p) => `127.0.0.1:${p}`).join(', ')}) behind nginx`,
      '',
      `  Use this URL:        http://127.0.0.1:${port}`,
      `  Agent console        http://127.0.0.1:${port}/agent/`,
      `  Mini-program socket  ws://127.0.0.1:${port}/ws`,
      '',
      '  Ctrl-C stops the instances and nginx (PostgreSQL and Redis are yours).',
      '',
    ].join('\n'),
  )
}

void main()
