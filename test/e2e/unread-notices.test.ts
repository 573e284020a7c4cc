/**
 * Bugs 1, 6 (notices) and 8 of the day-of-use issue, in Chromium against the real server:
 * a customer's unread questions stay counted and previewed whatever system notices follow
 * (an agent logging in later, a grace period running out), notices read in agents' words,
 * and a page load asks for nothing that is not there (the favicon).
 */
import type { Page } from 'playwright-core'
import { accept, exact, openBench, openChat, row, type Bench } from '../helpers/e2e-console'

jest.setTimeout(60_000)

let bench: Bench

beforeAll(async () => {
  bench = await openBench({ agentGraceMs: 300 })
})

afterAll(() => bench?.close())

describe('unread customer messages and system notices', () => {
  let mei: Page

  it('counts and previews the questions a customer sent while no agent was online', async () => {
    const customer = await bench.customer('unread-before-login')
    await customer.client.sendText('在吗')
    await customer.client.sendText('我的订单还没到')
    mei = await bench.newPage()
    await bench.login(mei)
    const item = row(mei, 'waiting', customer.client.id)
    await item.waitFor()
    // Routed to 小美 at login: the notice 客服 小美 为您服务 is the last message, the questions are still unread.
    await customer.until(() => customer.client.conversation.status === 'assigned', 'the conversation assigned')
    await item.locator('.badge').waitFor()
    expect(await item.locator('.conv-preview').textContent()).toBe('我的订单还没到')
    expect(await item.locator('.badge').textContent()).toBe('2')
    customer.close()
  })

  it('keeps them counted after the agent was away longer than the grace period', async () => {
    const customer = await bench.customer('unread-after-grace')
    await customer.client.sendText('请问可以开发票吗')
    await row(mei, 'waiting', customer.client.id).waitFor()
    await mei.close()
    await bench.agentsOnline(0)
    // The grace period runs out: back to the queue, with its notice.
    await customer.until(() => customer.client.conversation.status === 'queued', 'the conversation back in the queue')
    mei = await bench.newPage()
    await bench.login(mei)
    const item = row(mei, 'waiting', customer.client.id)
    await item.locator('.badge').waitFor()
    expect(await item.locator('.conv-preview').textContent()).toBe('请问可以开发票吗')
    expect(await item.locator('.badge').textContent()).toBe('1')

    // In the chat, the notices read as agents would say them, the customer's wording in the tooltip.
    await accept(mei, customer.client.id)
    await openChat(mei, 'mine', customer.client.id)
    const assigned = mei.locator('.chat .msg-system[data-notice="assigned"] .msg-system-text').first()
    await assigned.waitFor()
    expect(await assigned.textContent()).toBe('会话已分配给客服 小美')
    expect(await assigned.getAttribute('title')).toBe('顾客看到：客服 小美 为您服务')
    const queued = mei.locator('.chat .msg-system[data-notice="queued"] .msg-system-text').first()
    expect(await queued.textContent()).toBe('顾客进入排队，等待客服接入')
    await expect(
      mei
        .locator('.chat .msg-system-text')
        .filter({ hasText: exact('当前暂无在线客服，您已进入排队，请稍候') })
        .count(),
    ).resolves.toBe(0)
    customer.close()
  })

  it('loads the console without a 404 (the favicon included)', async () => {
    const page = await bench.newPage()
    const missing: string[] = []
    page.on('response', (res) => {
      if (res.status() >= 400) missing.push(`${res.status()} ${new URL(res.url()).pathname}`)
    })
    await bench.login(page)
    expect(missing).toEqual([])
    // Chromium's favicon fetch is not reported to Playwright: fetch what the page names as its icon.
    const href = await page.$eval('link[rel="icon"]', (link) => (link as HTMLLinkElement).href)
    const icon = await fetch(href)
    expect(icon.status).toBe(200)
    expect(icon.headers.get('content-type')).toContain('image/svg+xml')
    const ico = await fetch(`${bench.base()}/favicon.ico`)
    expect(ico.status).toBe(200)
    expect(ico.headers.get('content-type')).toContain('image/svg+xml')
    await page.close()
  })

  it('threw nothing and opened no dialog', () => {
    expect(bench.pageErrors).toEqual([])
    expect(bench.dialogs).toEqual([])
  })
})
