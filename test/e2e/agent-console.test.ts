/**
 * The agent console in real headless Chromium against the reference server (in-process,
 * port 0, temp DATA_DIR). Customers are SocketHandler on the Node adapter with the shared
 * chat logic. The steps run in order on one page, like one agent's shift.
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
import { launchChromium, type Browser } from '../helpers/chromium'
import { startCustomer, until, type Customer } from '../helpers/e2e-customer'
import { productPhoto } from '../helpers/png'

jest.setTimeout(60_000)

const ROOT = path.resolve(__dirname, '../..')
const PASSWORD = 'e2e-demo-password'
const TITLE = '客服工作台'
/** `UPDATE_SCREENSHOT=1 npm run test:e2e` refreshes the README's picture; otherwise it goes to build/e2e/. */
const SCREENSHOT =
  process.env.UPDATE_SCREENSHOT === '1' ? path.join(ROOT, 'docs/agent-console.png') : path.join(ROOT, 'build/e2e/agent-console.png')

let dataDir: string
let consoleDir: string
let server: RunningServer | null = null
let port = 0
let browser: Browser
let page: Page
const customers: Customer[] = []
const cleanups: Array<() => void> = []
const dialogs: string[] = []
const pageErrors: string[] = []

async function start(options: ServerOptions = {}): Promise<void> {
  server = await startServer({
    ...options,
    port,
    host: '127.0.0.1',
    dataDir,
    consoleDir,
    logLevel: 'silent',
    demoAgent: { password: PASSWORD },
    rateLimit: { rate: 1000, burst: 1000 },
  })
  port = server.port
}

const base = (): string => `http://127.0.0.1:${port}`

async function customer(code: string): Promise<Customer> {
  const c = await startCustomer(base, code)
  customers.push(c)
  return c
}

function exact(text: string): RegExp {
  return new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`)
}

/** The chat's text bubble that says exactly `text`. */
function bubble(text: string): Locator {
  return page.locator('.chat .bubble-text').filter({ hasText: exact(text) })
}

function item(list: 'waiting' | 'mine', conversationId: string): Locator {
  return page.locator(`.conv-list[data-list="${list}"] .conv-item[data-id="${conversationId}"]`)
}

/** Text of every text message in the open chat, in order. */
function chatTexts(): Promise<string[]> {
  return page.$$eval('.chat .msg:not(.msg-system) .bubble-text', (els) => els.map((e) => e.textContent ?? ''))
}

async function reply(text: string): Promise<void> {
  await page.fill('.composer-input', text)
  await page.press('.composer-input', 'Enter')
}

function count<T>(list: readonly T[], value: T): number {
  return list.filter((x) => x === value).length
}

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-data-'))
  consoleDir = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-console-'))
  const built = spawnSync(process.execPath, [path.join(ROOT, 'scripts/build-console.mjs'), '--outdir', consoleDir], {
    cwd: ROOT,
    encoding: 'utf8',
  })
  if (built.status !== 0) throw new Error(`console build failed: ${built.stderr}`)
  await start()
  browser = await launchChromium()
  page = browser.context.pages()[0] ?? (await browser.context.newPage())
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message())
    void dialog.dismiss()
  })
  page.on('pageerror', (err) => pageErrors.push(err.message))
})

afterAll(async () => {
  for (const c of customers) c.close()
  for (const cleanup of cleanups) cleanup()
  await browser?.close()
  await server?.close()
  fs.rmSync(dataDir, { recursive: true, force: true })
  fs.rmSync(consoleDir, { recursive: true, force: true })
})

describe('the agent console', () => {
  let alice: Customer
  let carol: Customer

  it('shows an error for a wrong password and keeps nothing', async () => {
    await page.goto(`${base()}/agent/`)
    expect(await page.title()).toBe(TITLE)
    await page.fill('#login-username', 'demo')
    await page.fill('#login-password', 'not-the-password')
    await page.click('.login-card button[type=submit]')
    await page.locator('.login-error').filter({ hasText: '用户名或密码错误' }).waitFor()
    expect(await page.evaluate(() => window.sessionStorage.length)).toBe(0)
    expect(await page.locator('.workspace').count()).toBe(0)
  })

  it('logs the agent in: token in sessionStorage, connected, an empty desk', async () => {
    await page.fill('#login-password', PASSWORD)
    await page.press('#login-password', 'Enter')
    await page.locator('.workspace').waitFor()
    await page.locator('.banner[data-state="open"]').waitFor({ state: 'attached' })
    expect(await page.locator('.banner').isVisible()).toBe(false)
    await page.locator('.me-presence[data-online="yes"]').waitFor()
    expect(await page.textContent('.me-name')).toBe('小美')
    const stored = await page.evaluate(() => window.sessionStorage.getItem('agent-console.auth'))
    expect(JSON.parse(stored ?? '{}')).toMatchObject({ token: expect.any(String), user: { name: '小美', role: 'agent' } })
    await page.locator('.conv-list[data-list="waiting"] .conv-empty').waitFor()
    await page.locator('.chat-empty').waitFor()
  })

  it('a customer writes: the conversation waits; the agent accepts and replies; the customer receives it', async () => {
    alice = await customer('alice')
    const first = '你好，我上周买的蓝牙耳机左耳没有声音了，能帮我看看吗？'
    void alice.client.sendText(first)
    const waiting = item('waiting', alice.client.id)
    await waiting
      .locator('.conv-preview')
      .filter({ hasText: exact(first) })
      .waitFor()
    await waiting.locator('.conv-accept').click()
    await item('mine', alice.client.id).waitFor()
    expect(await waiting.count()).toBe(0)
    await page.locator(`.chat[data-conversation="${alice.client.id}"][data-status="open"]`).waitFor()
    await bubble(first).waitFor()

    const answer = '您好，我是客服小美，很高兴为您服务。麻烦提供一下订单号，我帮您查询。'
    await reply(answer)
    await alice.until(() => alice.texts().includes(answer), 'the reply at the customer')
    expect(alice.client.messages.find((m) => m.text === answer)?.from).toMatchObject({ role: 'agent', name: '小美' })
    await page.locator('.chat .msg-mine[data-status="sent"], .chat .msg-mine[data-status="read"]').first().waitFor()
  })

  it('Enter sends, Shift+Enter is a newline', async () => {
    await page.fill('.composer-input', '')
    await page.type('.composer-input', '第一行')
    await page.keyboard.press('Shift+Enter')
    await page.keyboard.type('第二行')
    expect(await page.inputValue('.composer-input')).toBe('第一行\n第二行')
    await page.keyboard.press('Enter')
    await alice.until(() => alice.texts().includes('第一行\n第二行'), 'the two-line reply')
    expect(await page.inputValue('.composer-input')).toBe('')
  })

  it('shows typing both ways', async () => {
    await page.type('.composer-input', '我看')
    await alice.until(() => alice.typing?.role === 'agent', 'the agent typing at the customer')
    await page.fill('.composer-input', '')

    alice.client.typing()
    await page
      .locator('.typing-line[data-active="yes"]')
      .filter({ hasText: `${alice.user.name} 正在输入…` })
      .waitFor()
  })

  it('shows read receipts both ways', async () => {
    // The agent has the conversation on screen: the customer's messages are read.
    await alice.until(() => alice.client.messages.filter((m) => m.mine).every((m) => m.status === 'read'), 'the customer seeing 已读')
    // The customer reads: the agent's messages turn from 未读 to 已读.
    expect(await page.locator('.chat .msg-mine[data-status="sent"] .msg-status').first().textContent()).toBe('未读')
    await alice.client.markRead()
    await page.waitForFunction(() => {
      const mine = Array.from(document.querySelectorAll<HTMLElement>('.chat .msg-mine'))
      return mine.length > 0 && mine.every((m) => m.dataset.status === 'read')
    })
    expect(await page.locator('.chat .msg-mine .msg-status').first().textContent()).toBe('已读')
  })

  it('shows image messages, full size on click, and sends images', async () => {
    void alice.client.sendText('订单号是 20241126-8831，耳机盒子是这样的：')
    const url = await alice.upload(productPhoto())
    void alice.client.sendImage({ url, width: 320, height: 220 })
    const thumb = page.locator(`.chat .msg-theirs img.msg-img[src="${url}"]`)
    await thumb.waitFor()
    await page.waitForFunction((src) => {
      const img = document.querySelector<HTMLImageElement>(`.chat img.msg-img[src="${src}"]`)
      return img !== null && img.complete && img.naturalWidth === 320
    }, url)
    await thumb.click()
    const full = page.locator('dialog.image-viewer img.image-full')
    await full.waitFor()
    expect(await full.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(320)
    await page.keyboard.press('Escape')
    await page.locator('dialog.image-viewer').waitFor({ state: 'detached' })

    await page.setInputFiles('.composer input[type=file]', { name: 'case.png', mimeType: 'image/png', buffer: productPhoto(200, 140) })
    await alice.until(() => alice.client.messages.some((m) => m.kind === 'image' && !m.mine), "the agent's image at the customer")
    const sent = alice.client.messages.find((m) => m.kind === 'image' && !m.mine)
    expect(sent?.image).toMatchObject({ url: expect.stringMatching(/^\/uploads\/[0-9a-f]{64}\.png$/), width: 200, height: 140 })
    await page.locator(`.chat .msg-mine img.msg-img[src="${sent?.image?.url}"]`).waitFor()
  })

  it('looks like a support desk mid-conversation (screenshot)', async () => {
    await reply('收到，这款耳机在保修期内。我先帮您申请免费换新，新耳机预计明天发出。')
    carol = await customer('carol')
    void carol.client.sendText('你好，发票抬头开错了，可以重开吗？')
    await item('waiting', carol.client.id).locator('.conv-accept').click()
    await item('mine', carol.client.id).waitFor()
    await reply('可以的，请把正确的抬头和税号发给我。')
    await carol.until(() => carol.texts().includes('可以的，请把正确的抬头和税号发给我。'), "carol's reply")
    await item('mine', alice.client.id).click()
    await page.locator(`.chat[data-conversation="${alice.client.id}"]`).waitFor()
    void carol.client.sendText('抬头：上海云帆科技有限公司')
    void carol.client.sendText('税号稍后发您')
    await item('mine', carol.client.id).locator('.badge').filter({ hasText: '2' }).waitFor()

    const bob = await customer('bob')
    void bob.client.sendText('请问今天下单，明天能送到杭州吗？')
    await item('waiting', bob.client.id).locator('.conv-preview').filter({ hasText: '请问今天下单' }).waitFor()

    await alice.client.markRead()
    void alice.client.sendText('太好了，谢谢！换新需要我先把旧耳机寄回吗？')
    await bubble('太好了，谢谢！换新需要我先把旧耳机寄回吗？').waitFor()
    alice.client.typing()
    await page.locator('.typing-line[data-active="yes"]').waitFor()
    await page.locator('.chat .msg-mine').last().locator('.msg-status').filter({ hasText: '已读' }).waitFor()
    await page.fill('.composer-input', '不用寄回哦，新耳机签收后')
    await page.waitForFunction(() => Array.from(document.images).every((img) => img.complete))

    fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true })
    const png = await page.screenshot({ path: SCREENSHOT })
    expect(png.subarray(1, 4).toString('ascii')).toBe('PNG')
  })

  it('shows customer markup as literal text and runs none of it', async () => {
    const markup = '<img src=x onerror=alert(1)>'
    void alice.client.sendText(markup)
    await bubble(markup).waitFor()
    expect(await page.locator('img[src="x"]').count()).toBe(0)
    expect(await item('mine', alice.client.id).locator('.conv-preview').textContent()).toBe(markup)
    const script = '<script>alert(2)</script><b>粗体</b>'
    void alice.client.sendText(script)
    await bubble(script).waitFor()
    expect(await page.locator('.chat b').count()).toBe(0)
    // Give a would-be onerror a chance: wait for a full round trip through the page.
    await reply('收到')
    await alice.until(() => alice.texts().includes('收到'), 'a round trip')
    expect(dialogs).toEqual([])
  })

  it('pages in older history on scroll-up', async () => {
    const dave = await customer('dave')
    for (let i = 1; i <= 45; i++) await dave.client.sendText(`第 ${i} 条`)
    const waiting = item('waiting', dave.client.id)
    await waiting
      .locator('.conv-preview')
      .filter({ hasText: exact('第 45 条') })
      .waitFor()
    await waiting.click()
    await page.locator(`.chat[data-conversation="${dave.client.id}"]`).waitFor()
    await bubble('第 45 条').waitFor()
    await page.locator('.history-state[data-mode="more"]').waitFor()
    expect(await bubble('第 1 条').count()).toBe(0)
    // At the bottom, newest last.
    expect(await page.$eval('.messages', (el) => el.scrollHeight - el.scrollTop - el.clientHeight)).toBeLessThan(50)

    await page.$eval('.messages', (el) => {
      el.scrollTop = 0
    })
    await page.locator('.history-state[data-mode="end"]').waitFor()
    await bubble('第 1 条').waitFor()
    const texts = await chatTexts()
    expect(texts).toEqual(Array.from({ length: 45 }, (_, i) => `第 ${i + 1} 条`))
    // The reading position stayed with the messages that were on screen: not yanked to the top.
    expect(await page.$eval('.messages', (el) => el.scrollTop)).toBeGreaterThan(0)

    // Replying to a conversation that waits accepts it.
    await reply('您好，这些消息我都看到了，马上为您处理。')
    await item('mine', dave.client.id).waitFor()
    await page.locator(`.chat[data-conversation="${dave.client.id}"][data-status="open"]`).waitFor()
    await dave.until(() => dave.texts().includes('您好，这些消息我都看到了，马上为您处理。'), 'the reply at dave')
  })

  it('survives a server restart: reconnecting banner, then recovery, nothing lost or doubled', async () => {
    await item('mine', alice.client.id).click()
    await page.locator(`.chat[data-conversation="${alice.client.id}"]`).waitFor()
    const before = await chatTexts()

    const reconnecting = page.locator('.banner[data-state="reconnecting"]')
    await server!.close()
    server = null
    await reconnecting.waitFor()
    expect(await reconnecting.textContent()).toContain('正在重新连接')

    // While the server is down, both sides keep writing: their sockets queue.
    const fromCustomer = '断线期间顾客发的消息'
    const fromAgent = '断线期间客服发的消息'
    const customerSend = alice.client.sendText(fromCustomer)
    await reply(fromAgent)
    await page.locator('.chat .msg-mine[data-status="sending"]').filter({ hasText: fromAgent }).waitFor()

    await start()
    await page.locator('.banner[data-state="open"]').waitFor({ state: 'attached' })
    expect((await customerSend).status).toMatch(/^(sent|read)$/)
    await bubble(fromCustomer).waitFor()
    await page.locator('.chat .msg-mine:not([data-status="sending"])').filter({ hasText: fromAgent }).waitFor()
    await alice.until(() => alice.texts().includes(fromAgent), "the agent's queued message at the customer")
    await page.locator('.banner[data-show="no"]').waitFor({ state: 'attached' })

    const after = await chatTexts()
    expect(after.slice(0, before.length)).toEqual(before)
    expect(count(after, fromCustomer)).toBe(1)
    expect(count(after, fromAgent)).toBe(1)
    expect(after).toEqual(alice.texts())
    expect(new Set(alice.client.messages.map((m) => m.seq)).size).toBe(alice.client.messages.length)
  })

  it('counts new messages in the title while the tab is hidden', async () => {
    await page.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' })
      Object.defineProperty(document, 'hidden', { configurable: true, get: () => true })
      document.dispatchEvent(new Event('visibilitychange'))
    })
    void alice.client.sendText('还在吗？')
    void alice.client.sendText('我把旧耳机寄回哪个地址？')
    await page.waitForFunction((title) => document.title === `(2) ${title}`, TITLE)
    // Not read while hidden: the unread badge stays.
    await item('mine', alice.client.id).locator('.badge').filter({ hasText: '2' }).waitFor()

    await page.evaluate(() => {
      delete (document as { visibilityState?: unknown }).visibilityState
      delete (document as { hidden?: unknown }).hidden
      document.dispatchEvent(new Event('visibilitychange'))
    })
    await page.waitForFunction((title) => document.title === title, TITLE)
    await item('mine', alice.client.id).locator('.badge').waitFor({ state: 'detached' })
  })

  it('transfers a conversation to another online agent', async () => {
    const srv = server!
    await srv.accounts.addAgent({ username: 'li', password: 'li-password-1', name: '小李' })
    const res = await fetch(`${base()}/api/agent/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'li', password: 'li-password-1' }),
    })
    const { token } = (await res.json()) as { token: string }
    const socket = new ChatSocket({
      url: () => `ws://127.0.0.1:${port}/ws?token=${encodeURIComponent(token)}`,
      connectSocket: createNodeConnectSocket(WebSocket),
      lifecycle: false,
    })
    const li = new AgentDesk({ socket })
    cleanups.push(
      () => li.dispose(),
      () => socket.close(),
    )
    await li.start()

    await page.click('.chat [data-action="transfer"]')
    const target = page.locator('.modal-transfer .agent-item').filter({ hasText: '小李' })
    await target.locator('button').click()
    await until(
      (recheck) => li.on('conversations', recheck),
      () => li.conversations.some((d) => d.conversation.id === alice.client.id),
      'the conversation at 小李',
    )
    await item('mine', alice.client.id).waitFor({ state: 'detached' })
    await page.locator('.chat-empty').waitFor()
    await alice.until(() => alice.client.conversation.agent?.name === '小李', 'the customer served by 小李')
  })

  it('closes a conversation', async () => {
    await item('mine', carol.client.id).click()
    await page.locator(`.chat[data-conversation="${carol.client.id}"]`).waitFor()
    await page.click('.chat [data-action="close"]')
    await page.click('.modal-confirm [data-action="confirm"]')
    await carol.until(() => carol.client.conversation.status === 'closed', 'the customer seeing the close')
    await page.locator('.chat[data-status="closed"] .chat-closed').waitFor()
    await item('mine', carol.client.id).waitFor({ state: 'detached' })
  })

  it('stays logged in across a reload, and logs out', async () => {
    await page.reload()
    await page.locator('.workspace').waitFor()
    await page.locator('.me-presence[data-online="yes"]').waitFor()
    await page.click('[data-action="logout"]')
    await page.locator('.login-page').waitFor()
    expect(await page.evaluate(() => window.sessionStorage.length)).toBe(0)
    expect(await page.title()).toBe(TITLE)
  })

  it('logs out with a message when the server no longer takes the token (restarted with another SECRET)', async () => {
    await page.fill('#login-username', 'demo')
    await page.fill('#login-password', PASSWORD)
    await page.press('#login-password', 'Enter')
    await page.locator('.me-presence[data-online="yes"]').waitFor()

    await server!.close()
    server = null
    await start({ secret: 'another-secret-so-old-tokens-are-refused' })
    // The socket's 401 looks like a server that is down; after failed reconnects GET /api/me says which.
    await page.locator('.login-page .login-error').filter({ hasText: '登录已失效，请重新登录' }).waitFor()
    expect(await page.evaluate(() => window.sessionStorage.length)).toBe(0)

    await page.fill('#login-username', 'demo')
    await page.fill('#login-password', PASSWORD)
    await page.press('#login-password', 'Enter')
    await page.locator('.me-presence[data-online="yes"]').waitFor()
  })

  it('opened no dialog and threw nothing', () => {
    expect(dialogs).toEqual([])
    expect(pageErrors).toEqual([])
  })
})
