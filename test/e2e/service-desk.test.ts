/**
 * The service desk's tools in Chromium against the real server: canned replies (team and
 * personal, `/` filter, edited before sending), the customer panel (facts, device, past
 * conversations read-only) with internal notes, history and full-text search (Chinese,
 * highlighted as text), ratings shown, agent status and routing, a URL per conversation,
 * keyboard shortcuts with their help, and notifications. CONSOLE_SCREENSHOTS=<dir> also saves
 * the README's screenshots there.
 */
import fs from 'node:fs'
import path from 'node:path'
import type { Page } from 'playwright-core'
import type { ConversationClient } from '../../src/chat'
import type { Customer } from '../helpers/e2e-customer'
import { PASSWORD, accept, bubble, openBench, openChat, reply, row, type Bench } from '../helpers/e2e-console'

jest.setTimeout(90_000)

const SHOTS = process.env.CONSOLE_SCREENSHOTS
async function shot(page: Page, name: string): Promise<void> {
  if (SHOTS === undefined) return
  fs.mkdirSync(SHOTS, { recursive: true })
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`) })
}

let bench: Bench
let mei: Page
let token: string

async function api(method: string, route: string, body?: unknown, auth = token): Promise<{ status: number; body: any }> {
  const res = await fetch(`${bench.base()}${route}`, {
    method,
    headers: { authorization: `Bearer ${auth}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  })
  const text = await res.text()
  return { status: res.status, body: text === '' ? null : JSON.parse(text) }
}

/** A customer with a past, rated conversation, now in a new one (`current`). */
let regular: Customer
let current: ConversationClient
let pastId: string
const waiting: Customer[] = []

beforeAll(async () => {
  bench = await openBench()
  const login = await fetch(`${bench.base()}/api/agent/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'demo', password: PASSWORD }),
  })
  token = ((await login.json()) as { token: string }).token
  for (const [title, text] of [
    ['发货时间', '您好，订单付款后 48 小时内发货，发货后会短信通知您 📦'],
    ['退货流程', '退货请在订单详情页点击「申请售后」，选择退货原因并上传照片即可。'],
    ['结束语', '感谢您的咨询，祝您生活愉快！'],
  ] as const) {
    expect((await api('POST', '/api/desk/canned', { title, text, scope: 'team' })).status).toBe(201)
  }

  // No agent online yet: the regular customer's first conversation waits, is closed and rated.
  regular = await bench.customer('desk-regular')
  await api(
    'PUT',
    '/api/me/device',
    { brand: 'Apple', model: 'iPhone 15', system: 'iOS 17.2', version: '8.0.50', SDKVersion: '3.4.1' },
    regular.token,
  )
  await regular.client.sendText('上次买的衣服想退货，尺码偏小')
  await regular.client.sendText('<b>退货</b> 要多久到账？')
  pastId = regular.client.id
  await regular.session.close()
  expect(await regular.client.rate(4, '处理很快')).toBe(true)
  current = await regular.session.open()
  await current.sendText('你好，我的订单什么时候发货？')

  mei = await bench.newPage()
  await bench.login(mei)
  for (const [code, text] of [
    ['desk-a', '请问可以开发票吗'],
    ['desk-b', '优惠券用不了 😢'],
    ['desk-c', '在吗？'],
  ] as const) {
    const c = await bench.customer(code)
    await c.client.sendText(text)
    waiting.push(c)
  }
  await row(mei, 'waiting', current.id).waitFor()
})

afterAll(() => bench?.close())

describe('service desk', () => {
  it('opens a conversation at its own URL, and keeps it on reload and back/forward', async () => {
    await accept(mei, current.id)
    await openChat(mei, 'mine', current.id)
    expect(await mei.evaluate(() => location.hash)).toBe(`#/c/${current.id}`)
    await mei.reload()
    await mei.locator(`.chat[data-conversation="${current.id}"]`).waitFor()
    await accept(mei, waiting[0]!.client.id)
    await openChat(mei, 'mine', waiting[0]!.client.id)
    await mei.goBack()
    await mei.locator(`.chat[data-conversation="${current.id}"]`).waitFor()
    await mei.goForward()
    await mei.locator(`.chat[data-conversation="${waiting[0]!.client.id}"]`).waitFor()
  })

  it('inserts a canned reply with / and a filter, editable before it is sent', async () => {
    await openChat(mei, 'mine', current.id)
    const input = mei.locator('.chat .composer-input')
    await input.fill('')
    await input.pressSequentially('/')
    const popover = mei.locator('.chat .canned-popover')
    await popover.waitFor()
    // The list loads from the server the first time the popover opens: wait for it, not for time.
    await popover.locator('.canned-item').nth(2).waitFor()
    expect(await popover.locator('.canned-item').count()).toBe(3)
    await shot(mei, 'canned-replies')
    await input.pressSequentially('发货')
    await popover.locator('.canned-item').nth(1).waitFor({ state: 'detached' })
    expect(await popover.locator('.canned-item-title').allTextContents()).toEqual(['发货时间'])
    await input.press('Enter')
    expect(await popover.isVisible()).toBe(false)
    expect(await input.inputValue()).toBe('您好，订单付款后 48 小时内发货，发货后会短信通知您 📦')
    expect(current.messages.some((m) => m.text?.startsWith('您好，订单付款后'))).toBe(false) // not sent yet
    await input.press('End')
    await input.pressSequentially('（周末顺延）')
    await input.press('Enter')
    const sent = '您好，订单付款后 48 小时内发货，发货后会短信通知您 📦（周末顺延）'
    await regular.until(() => current.messages.some((m) => m.text === sent), 'the edited canned reply at the customer')
  })

  it('keeps a personal list beside the team one, from the 快捷回复 button', async () => {
    await mei.click('.chat [data-action="canned"]')
    const popover = mei.locator('.chat .canned-popover')
    await popover.locator('[data-action="canned-new"]').click()
    await popover.locator('input[name="title"]').fill('我的问候')
    await popover.locator('textarea[name="text"]').fill('您好，我是小美，很高兴为您服务～')
    await popover.locator('button[type="submit"]').click()
    const mine = popover.locator('.canned-item[data-scope="personal"]')
    await mine.waitFor()
    expect(await mine.locator('.canned-item-title').textContent()).toBe('我的问候')
    expect(await popover.locator('.canned-item[data-scope="team"]').count()).toBe(3)
    await popover.locator('.canned-filter').fill('问候')
    await mine.click()
    expect(await mei.locator('.chat .composer-input').inputValue()).toBe('您好，我是小美，很高兴为您服务～')
    await mei.locator('.chat .composer-input').fill('')
  })

  it('shows the customer panel: first seen, past conversations, device, and the past one read-only with its rating', async () => {
    const panel = mei.locator(`.customer-panel[data-customer="${regular.user.id}"]`)
    await panel.locator('[data-fact="device"]').waitFor()
    expect(await panel.locator('[data-fact="device"]').textContent()).toBe('Apple iPhone 15 · iOS 17.2 · 微信 8.0.50 · 基础库 3.4.1')
    expect(await panel.locator('[data-fact="past-count"]').textContent()).toBe('1 次')
    expect(await panel.locator('[data-fact="first-seen"]').textContent()).toMatch(/^\d{4}年/)
    const past = panel.locator(`.past-item[data-id="${pastId}"]`)
    expect(await past.locator('.rating').getAttribute('data-score')).toBe('4')
    await shot(mei, 'customer-panel')
    await past.click()
    const modal = mei.locator('.modal-transcript')
    await modal.locator('.transcript .bubble-text').first().waitFor()
    expect(await modal.locator('.bubble-text').allTextContents()).toEqual(['上次买的衣服想退货，尺码偏小', '<b>退货</b> 要多久到账？'])
    expect(await modal.locator('.composer-input').count()).toBe(0)
    expect(await modal.locator('.rating-comment').textContent()).toBe('“处理很快”')
    await mei.keyboard.press('Escape')
    await modal.waitFor({ state: 'detached' })
  })

  it('keeps internal notes on the conversation, apart from messages and never sent to the customer', async () => {
    const panel = mei.locator('.customer-panel')
    await panel.locator('.notes-input').fill('老顾客，上次退过货，优先处理')
    await panel.locator('[data-action="add-note"]').click()
    const note = panel.locator('.note').filter({ hasText: '老顾客，上次退过货，优先处理' })
    await note.waitFor()
    expect(await note.locator('.note-badge').textContent()).toBe('内部备注')
    const background = await note.evaluate((el) => getComputedStyle(el).backgroundColor)
    const bubbleBackground = await mei
      .locator('.chat .msg-mine .bubble')
      .first()
      .evaluate((el) => getComputedStyle(el).backgroundColor)
    expect(background).not.toBe(bubbleBackground)
    expect(await mei.locator('.chat .bubble-text').filter({ hasText: '老顾客' }).count()).toBe(0)
    // A message after the note reaches the customer; the note never does.
    await reply(mei, '我帮您查一下物流')
    await regular.until(() => current.messages.some((m) => m.text === '我帮您查一下物流'), 'the reply at the customer')
    expect(current.messages.some((m) => m.text?.includes('老顾客'))).toBe(false)
  })

  it('lists closed conversations in 历史会话 and finds messages by words, highlighted as text', async () => {
    await mei.click('.nav-tab[data-view="history"]')
    const item = mei.locator(`.history-item[data-id="${pastId}"]`)
    await item.waitFor()
    expect(await item.locator('.rating').getAttribute('data-score')).toBe('4')
    await item.click()
    await mei.locator(`.history-detail .transcript[data-conversation="${pastId}"]`).waitFor()
    expect(await mei.evaluate(() => location.hash)).toBe(`#/history?c=${pastId}`)
    await shot(mei, 'history-view')
    await mei.fill('.history-search-input', '退货')
    await mei.press('.history-search-input', 'Enter')
    const hits = mei.locator('.history-item .hit-text')
    await hits.first().waitFor()
    expect(await hits.count()).toBe(2)
    expect(await mei.locator('.history-item mark.hit').allTextContents()).toEqual(['退货', '退货'])
    // A message holding markup shows the markup as text: no <b> element anywhere in the results.
    expect(await mei.locator('.history-list b').count()).toBe(0)
    expect(await hits.allTextContents()).toContain(`${regular.user.name}：<b>退货</b> 要多久到账？`)
    expect(await mei.evaluate(() => location.hash)).toBe(`#/history?q=${encodeURIComponent('退货')}`)
    await hits.first().click()
    await mei.locator(`.history-detail .transcript[data-conversation="${pastId}"]`).waitFor()
    await mei.locator('.history-detail mark.hit').first().waitFor()
    expect(await mei.locator('.history-detail mark.hit').count()).toBe(2)
    await shot(mei, 'search-results')
    await mei.reload()
    await mei.locator('.history-detail mark.hit').first().waitFor()
    expect(await mei.locator('.history-search-input').inputValue()).toBe('退货')
    await mei.click('.nav-tab[data-view="desk"]')
  })

  it('moves between conversations, accepts and focuses from the keyboard, with a help popover', async () => {
    await mei.locator('.desk').waitFor()
    await mei.locator('body').click({ position: { x: 5, y: 200 } })
    await mei.keyboard.press('?')
    const help = mei.locator('.help-popover')
    await help.waitFor()
    expect(await help.locator('kbd').allTextContents()).toEqual(expect.arrayContaining(['Alt + ↑', 'Alt + ↓', 'Alt + Enter', 'Alt + I']))
    await mei.keyboard.press('Escape')
    await help.waitFor({ state: 'hidden' })

    const ids = await mei.$$eval('.sidebar .conv-item', (els) => els.map((e) => (e as HTMLElement).dataset.id ?? ''))
    await mei.keyboard.press('Alt+ArrowDown')
    await mei.locator(`.chat[data-conversation="${ids[0]}"]`).waitFor()
    await mei.keyboard.press('Alt+ArrowDown')
    await mei.locator(`.chat[data-conversation="${ids[1]}"]`).waitFor()
    await mei.keyboard.press('Alt+ArrowUp')
    await mei.locator(`.chat[data-conversation="${ids[0]}"]`).waitFor()

    const first = await mei.locator('.conv-list[data-list="waiting"] .conv-item').first().getAttribute('data-id')
    await mei.keyboard.press('Alt+Enter')
    await row(mei, 'mine', first!).waitFor()
    await mei.locator(`.chat[data-conversation="${first}"]`).waitFor()
    await mei.locator('body').click({ position: { x: 5, y: 200 } })
    await mei.keyboard.press('Alt+KeyI')
    expect(await mei.evaluate(() => document.activeElement?.classList.contains('composer-input'))).toBe(true)
  })

  it('routes no new conversation to 忙碌 until back 在线', async () => {
    await mei.selectOption('[data-action="status"]', 'busy')
    await mei.locator('.status-select[data-status="busy"]').waitFor()
    const late = await bench.customer('desk-while-busy')
    await late.client.sendText('有人吗')
    await row(mei, 'waiting', late.client.id).waitFor()
    expect(late.client.conversation.status).toBe('queued')
    expect(await row(mei, 'waiting', late.client.id).locator('.tag').textContent()).toBe('排队中')
    await mei.selectOption('[data-action="status"]', 'online')
    await late.until(() => late.client.conversation.status === 'assigned', 'routed to 小美 back online')
    expect(late.client.conversation.agent?.name).toBe('小美')
    await row(mei, 'waiting', late.client.id).locator('.badge').waitFor()
    await openChat(mei, 'mine', current.id)
    await shot(mei, 'busy-desk')
    await mei.reload()
    await mei.locator('.status-select[data-status="online"]').waitFor()
    late.close()
  })

  it('notifies a customer message in another conversation, once permission was given', async () => {
    await bench.browser.context.grantPermissions(['notifications'], { origin: bench.base() })
    const page = await bench.newPage()
    await page.addInitScript(() => {
      const shown: Array<{ title: string; body: string }> = []
      ;(window as unknown as { shown: typeof shown }).shown = shown
      const Real = window.Notification
      class Recording extends Real {
        constructor(title: string, options?: NotificationOptions) {
          super(title, options)
          shown.push({ title, body: options?.body ?? '' })
        }
      }
      Object.defineProperty(window, 'Notification', { value: Recording })
    })
    await bench.login(page)
    await mei.close()
    mei = page
    expect(await page.locator('[data-action="notifications"]').textContent()).toBe('通知已开启')
    await openChat(page, 'mine', current.id)
    const other = waiting[0]!
    await other.client.sendText('发票抬头写公司名')
    await bubble(page, '我帮您查一下物流').waitFor()
    await page.waitForFunction(() => (window as unknown as { shown: unknown[] }).shown.length > 0)
    const shown = await page.evaluate(() => (window as unknown as { shown: Array<{ title: string; body: string }> }).shown)
    expect(shown).toEqual([{ title: `${other.user.name} 发来新消息`, body: '发票抬头写公司名' }])
    // The open conversation's own messages are seen, not notified.
    await current.sendText('好的谢谢')
    await bubble(page, '好的谢谢').waitFor()
    expect(await page.evaluate(() => (window as unknown as { shown: unknown[] }).shown.length)).toBe(1)
  })

  it('threw nothing and opened no dialog', () => {
    expect(bench.pageErrors).toEqual([])
    expect(bench.dialogs).toEqual([])
  })
})
