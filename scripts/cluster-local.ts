/**
 * A cluster on this machine: server instances (the built server, `node build/server/main.js`, as
 * child processes) behind a real nginx whose configuration is written from the instances' ports.
 * Used by `npm run cluster`, `npm run test:cluster` and `npm run bench:cluster`; PostgreSQL and
 * Redis are the caller's (DATABASE_URL, REDIS_URL).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'

export interface Instance {
  name: string
  child: ChildProcess
  port: number
  url: string
  /** Everything the process wrote to stdout (JSON log lines) and stderr (banner). */
  stdout(): string
  stderr(): string
  exited: Promise<number | null>
}

/** A port free right now on 127.0.0.1 (for a process that must be told its port in advance, as nginx). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address !== null ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

export interface NodeChild {
  child: ChildProcess
  /** The banner line's match of `ready`. */
  match: RegExpExecArray
  stdout: () => string
  stderr: () => string
  exited: Promise<number | null>
}

/**
 * Spawns `node <mainJs>` with only PATH from this environment plus `env`, and resolves once its
 * stderr (the banner) matches `ready`; rejects with the stderr if it exits before. Shared by the
 * cluster scripts and test/server/helpers/built-server.ts.
 */
export function spawnNode(mainJs: string, env: Record<string, string>, ready: RegExp, cwd?: string): Promise<NodeChild> {
  const child = spawn(process.execPath, [mainJs], { cwd, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  let err = ''
  let resolved = false
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()))
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  return new Promise((resolve, reject) => {
    child.stderr?.on('data', (c: Buffer) => {
      err += c.toString()
      const match = resolved ? null : ready.exec(err)
      if (match) {
        resolved = true
        resolve({ child, match, stdout: () => out, stderr: () => err, exited })
      }
    })
    void exited.then((code) => reject(new Error(`${mainJs} exited with ${code} before it was ready:\n${err}`)))
  })
}

/** Starts `node <mainJs>` with `env` (PORT 0 unless given) and resolves once its banner names its URL. */
export async function startInstance(name: string, mainJs: string, env: Record<string, string>): Promise<Instance> {
  const c = await spawnNode(
    mainJs,
    { HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info', ...env },
    /listening on (http:\/\/127\.0\.0\.1:(\d+))/,
  )
  return { name, child: c.child, port: Number(c.match[2]), url: c.match[1]!, stdout: c.stdout, stderr: c.stderr, exited: c.exited }
}

/** SIGKILL (a crash) or SIGTERM (a graceful stop); resolves with the exit code. */
export async function stopInstance(instance: Instance, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
  if (instance.child.exitCode === null && instance.child.signalCode === null) instance.child.kill(signal)
  return instance.exited
}

export interface NginxConfigOptions {
  listenPort: number
  upstreams: number[]
  /** nginx's prefix folder: its pid, logs and temp files go here. */
  prefix: string
  /** proxy_read_timeout in seconds; above the server's ping interval (30 s) and the client's heartbeat. Default 75. */
  readTimeout?: number
}

/**
 * The local form of deploy/nginx.conf (no TLS): one upstream of instances, WebSocket upgrades
 * passed on, X-Forwarded-For set for the instances' rate limits, a failed instance skipped;
 * long-polling requests (/ws without an upgrade) pinned to one instance per client address,
 * since a polling session lives in the memory of the instance that opened it.
 */
export function nginxConfig(o: NginxConfigOptions): string {
  const servers = o.upstreams.map((p) => `    server 127.0.0.1:${p} max_fails=1 fail_timeout=2s;`).join('\n')
  return `# Written by scripts/cluster-local.ts; see deploy/nginx.conf for the documented, TLS form.
daemon off;
worker_processes 1;
pid ${o.prefix}/nginx.pid;
error_log ${o.prefix}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${o.prefix}/body;
  proxy_temp_path ${o.prefix}/proxy;
  fastcgi_temp_path ${o.prefix}/fastcgi;
  uwsgi_temp_path ${o.prefix}/uwsgi;
  scgi_temp_path ${o.prefix}/scgi;
  map $http_upgrade $connection_upgrade { default upgrade; '' close; }
  upstream chat {
${servers}
    keepalive 32;
  }
  upstream chat_polling {
    ip_hash;
${servers}
    keepalive 32;
  }
  map "$http_upgrade:$uri" $chat_upstream { default chat; ":/ws" chat_polling; }
  server {
    listen 127.0.0.1:${o.listenPort};
    client_max_body_size 6m;
    location / {
      proxy_pass http://$chat_upstream;
      proxy_http_version 1.1;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $connection_upgrade;
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_read_timeout ${o.readTimeout ?? 75}s;
      proxy_send_timeout ${o.readTimeout ?? 75}s;
      proxy_next_upstream error timeout http_502 http_503;
      proxy_connect_timeout 2s;
    }
  }
}
`
}

export interface Nginx {
  port: number
  url: string
  child: ChildProcess
  stop(): Promise<void>
}

/** Runs nginx in the foreground on `listenPort` with the configuration above; resolves once it accepts connections. */
export async function startNginx(bin: string, o: NginxConfigOptions): Promise<Nginx> {
  fs.mkdirSync(o.prefix, { recursive: true })
  const conf = path.join(o.prefix, 'nginx.conf')
  fs.writeFileSync(conf, nginxConfig(o))
  const child = spawn(bin, ['-p', o.prefix, '-c', conf, '-e', path.join(o.prefix, 'error.log')], { stdio: ['ignore', 'ignore', 'pipe'] })
  let err = ''
  child.stderr?.on('data', (c: Buffer) => (err += c.toString()))
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const deadline = Date.now() + 10_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nginx exited with ${child.exitCode}: ${err}`)
    if (await accepts(o.listenPort)) break
    if (Date.now() > deadline) throw new Error(`nginx did not listen on ${o.listenPort}: ${err}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return {
    port: o.listenPort,
    url: `http://127.0.0.1:${o.listenPort}`,
    child,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGQUIT')
      await exited
    },
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1')
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

/** A redis-server child on loopback without persistence (tests and the bench restart it at will). */
export class RedisServer {
  private child: ChildProcess | null = null
  constructor(
    readonly port: number,
    private readonly bin: string,
    private readonly dir: string,
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`
  }

  async start(): Promise<void> {
    const child = spawn(
      this.bin,
      ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, '--save', '', '--appendonly', 'no'],
      {
        stdio: ['ignore', 'pipe', 'ignore'],
      },
    )
    this.child = child
    await new Promise<void>((resolve, reject) => {
      let out = ''
      child.stdout?.on('data', (c: Buffer) => {
        out += c.toString()
        if (out.includes('Ready to accept connections')) resolve()
      })
      child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${out}`)))
    })
  }

  /** SIGKILL: everything in it is lost, as with a crashed Redis without persistence. */
  async stop(): Promise<void> {
    const child = this.child
    this.child = null
    if (child?.exitCode !== null) return
    const exited = new Promise((resolve) => child.once('exit', resolve))
    child.kill('SIGKILL')
    await exited
  }
}
