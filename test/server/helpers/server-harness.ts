import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { startServer, type RunningServer } from '../../../server/server'
import type { ServerOptions } from '../../../server/config'
import type { User } from '../../../server/types'
import { storeOptions } from '../../helpers/test-database'

export const DEMO = { username: 'demo', password: 'demo-password-1' }

export interface TestServer extends RunningServer {
  tmpDir: string
  /** POST /api/login {code} → token and user. */
  loginCustomer(code: string): Promise<{ token: string; user: User }>
  /** POST /api/agent/login (the demo agent by default). */
  loginAgent(username?: string, password?: string): Promise<{ token: string; user: User }>
  /** Closes the server and removes its temp folder. */
  stop(): Promise<void>
}

export function tempDir(prefix = 'chat-server-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix))
}

export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) })
  const text = await res.text()
  return { status: res.status, body: text === '' ? null : JSON.parse(text) }
}

/** A real server on 127.0.0.1 port 0 with a temp DATA_DIR (or the one given) and the demo agent's password known. */
export async function startTestServer(options: ServerOptions = {}, dataDir?: string): Promise<TestServer> {
  const tmpDir = dataDir ?? tempDir()
  const server = await startServer({
    port: 0,
    host: '127.0.0.1',
    logLevel: 'silent',
    demoAgent: { password: DEMO.password },
    // On PostgreSQL (the server-pg project): a schema per data folder, fresh for ':memory:'.
    ...storeOptions(options.dataDir ?? tmpDir),
    ...options,
    dataDir: options.dataDir ?? tmpDir,
  })
  const login = async (route: string, body: unknown): Promise<{ token: string; user: User }> => {
    const res = await postJson(`${server.url}${route}`, body)
    if (res.status !== 200) throw new Error(`${route} answered ${res.status}: ${JSON.stringify(res.body)}`)
    return res.body
  }
  return {
    ...server,
    tmpDir,
    loginCustomer: (code) => login('/api/login', { code }),
    loginAgent: (username = DEMO.username, password = DEMO.password) => login('/api/agent/login', { username, password }),
    stop: async () => {
      await server.close()
      if (dataDir === undefined) fs.rmSync(tmpDir, { recursive: true, force: true })
    },
  }
}
