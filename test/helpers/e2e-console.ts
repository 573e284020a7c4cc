/**
 * One agent console test bench: the console built once into a temp folder, the reference
 * server in-process (port 0, temp DATA_DIR, restartable on the same port and data), headless
 * Chromium, and customers on ChatSocket. Each e2e file opens one bench in `beforeAll` and
 * closes it in `afterAll`; pages collect their dialogs and page errors so a file can assert
 * that none happened.
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Locator, Page } from 'playwright-core'
import WebSocket from 'ws'
import { startServer, type RunningServer, type ServerOptions } from '../../server'
import { ChatSocket, createNodeConnectSocket } from '../../src'
import { AgentDesk } from '../../src/chat'
import { launchChromium, type Browser } from './chromium'
import { startCustomer, type Customer } from './e2e-customer'

export const ROOT = path.resolve(__dirname, '../..')
export const PASSWORD = 'e2e-demo-password'
export const TITLE = '客服工作台'

export interface Bench {
  /** `http://127.0.0.1:<port>` of the running server. */
  base(): string
  readonly port: number
  readonly server: RunningServer
  readonly browser: Browser
  /** Every dialog any page opened, and every error a page threw. */
  readonly dialogs: string[]
  readonly pageErrors: string[]
  /** Starts the server (again, on the same port and data), with these options over the bench's. */
  start(options?: ServerOptions): Promise<void>
  /** Stops the server: sockets close with 1001. */
  stop(): Promise<void>
  /** A new tab (its own sessionStorage), collecting dialogs and page errors. */
  newPage(): Promise<Page>
  /** Opens /agent/ in `page` and logs in; resolves once the desk is connected. */
  login(page: Page, username?: string, password?: string): Promise<void>
  /** A customer logged in with `code`, talking through ChatSocket (a conversation opened). */
  customer(code: string): Promise<Customer>
  /** Resolves once `GET /healthz` counts `n` agents online (after a page closed, the server hears of it a moment later). */
  agentsOnline(n: number): Promise<void>
  /** Creates an agent account; returns its password. */
  addAgent(username: string, name: string): Promise<string>
  /** An agent online from Node (ChatSocket + AgentDesk), started. */
  nodeAgent(username: string, password: string): Promise<AgentDesk>
  close(): Promise<void>
}

export async function openBench(serverOptions: ServerOptions = {}): Promise<Bench> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-data-'))
  const consoleDir = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-console-'))
  const built = spawnSync(process.execPath, [path.join(ROOT, 'scripts/build-console.mjs'), '--outdir', consoleDir], {
    cwd: ROOT,
    encoding: 'utf8',
  })
  if (built.status !== 0) throw new Error(`console build failed: ${built.stderr}`)
  let server: RunningServer | null = null
  let port = 0
  const cleanups: Array<() => void> = []
  const customers: Customer[] = []
  const dialogs: string[] = []
  const pageErrors: string[] = []

  const start = async (options: ServerOptions = {}): Promise<void> => {
    if (server !== null) throw new Error('start(): the server is running')
    server = await startServer({
      demoAgent: { password: PASSWORD },
      rateLimit: { rate: 1000, burst: 1000 },
      ...serverOptions,
      ...options,
      port,
      host: '127.0.0.1',
      dataDir,
      consoleDir,
      logLevel: 'silent',
    })
    port = server.port
  }
  await start()
  const browser = await launchChromium()
  const base = (): string => `http://127.0.0.1:${port}`

  const bench: Bench = {
    base,
    get port() {
      return port
    },
    get server() {
      if (server === null) throw new Error('the server is stopped')
      return server
    },
    browser,
    dialogs,
    pageErrors,
    start,
    async stop() {
      const running = server
      server = null
      await running?.close()
    },
    async newPage() {
      const page = await browser.context.newPage()
      page.setDefaultTimeout(10_000) // a step that has not happened in 10 s will not
      page.on('dialog', (dialog) => {
        dialogs.push(dialog.message())
        void dialog.dismiss()
      })
      page.on('pageerror', (err) => pageErrors.push(err.message))
      return page
    },
    async login(page, username = 'demo', password = PASSWORD) {
      await page.goto(`${base()}/agent/`)
      await page.fill('#login-username', username)
      await page.fill('#login-password', password)
      await page.press('#login-password', 'Enter')
      await page.locator('.me-presence[data-online="yes"]').waitFor()
    },
    async customer(code) {
      const c = await startCustomer(base, code)
      customers.push(c)
      return c
    },
    async agentsOnline(n) {
      const deadline = Date.now() + 10_000
      for (;;) {
        const health = (await (await fetch(`${base()}/healthz`)).json()) as { agentsOnline: number }
        if (health.agentsOnline === n) return
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${n} agents online (${health.agentsOnline})`)
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
    },
    async addAgent(username, name) {
      const password = `${username}-password-1`
      await bench.server.accounts.addAgent({ username, password, name })
      return password
    },
    async nodeAgent(username, password) {
      const res = await fetch(`${base()}/api/agent/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password }),
      })
      if (res.status !== 200) throw new Error(`agent login answered ${res.status}`)
      const { token } = (await res.json()) as { token: string }
      const socket = new ChatSocket({
        url: () => `ws://127.0.0.1:${port}/ws?token=${encodeURIComponent(token)}`,
        connectSocket: createNodeConnectSocket(WebSocket),
        lifecycle: false,
        reconnect: { minDelay: 50, maxDelay: 500, minUptime: 200 },
      })
      const desk = new AgentDesk({ socket })
      cleanups.push(
        () => desk.dispose(),
        () => socket.close(),
      )
      await desk.start()
      return desk
    },
    async close() {
      for (const c of customers) c.close()
      for (const cleanup of cleanups) cleanup()
      await browser.close()
      await bench.stop()
      fs.rmSync(dataDir, { recursive: true, force: true })
      fs.rmSync(consoleDir, { recursive: true, force: true })
    },
  }
  return bench
}

/** A RegExp matching exactly `text`. */
export function exact(text: string): RegExp {
  return new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`)
}

/** A row of the 待接入 (`waiting`) or 我的会话 (`mine`) list. */
export function row(page: Page, list: 'waiting' | 'mine', conversationId: string): Locator {
  return page.locator(`.conv-list[data-list="${list}"] .conv-item[data-id="${conversationId}"]`)
}

/** The open chat's text bubble that says exactly `text`. */
export function bubble(page: Page, text: string): Locator {
  return page.locator('.chat .bubble-text').filter({ hasText: exact(text) })
}

/** Opens a conversation from a list and waits for its chat. */
export async function openChat(page: Page, list: 'waiting' | 'mine', conversationId: string): Promise<void> {
  await row(page, list, conversationId).click()
  await page.locator(`.chat[data-conversation="${conversationId}"]`).waitFor()
}

/** Accepts a waiting conversation from its row and waits for it in 我的会话. */
export async function accept(page: Page, conversationId: string): Promise<void> {
  await row(page, 'waiting', conversationId).locator('.conv-accept').click()
  await row(page, 'mine', conversationId).waitFor()
}

/** Types `text` into the composer and presses Enter. */
export async function reply(page: Page, text: string): Promise<void> {
  await page.fill('.composer-input', text)
  await page.press('.composer-input', 'Enter')
}
