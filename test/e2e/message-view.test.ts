/**
 * How the console shows people and messages, in Chromium: avatars and names in the lists,
 * agents' messages after a transfer (always on the agent side, with the agent's name), the
 * agent-facing wording of system notices, and the time of each message.
 */
import type { Page } from 'playwright-core'
import type { Clock } from '../../src'
import type { Customer } from '../helpers/e2e-customer'
import { accept, bubble, exact, openBench, openChat, reply, row, type Bench } from '../helpers/e2e-console'

jest.setTimeout(60_000)

/** The server's clock runs `offset` ms ahead of the real one: messages can be written "ten minutes later". */
let offset = 0
const clock: Clock = {
  now: () => Date.now() + offset,
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
}

let bench: Bench
let mei: Page

beforeAll(async () => {
  bench = await openBench({ clock })
  mei = await bench.newPage()
  await bench.login(mei)
})

afterAll(() => bench?.close())

/** The message (`.msg`) in the open chat whose text is exactly `text`. */
function message(page: Page, text: string) {
  return page.locator('.chat .msg').filter({ has: page.locator('.bubble-text').filter({ hasText: exact(text) }) })
}

/** A customer whose default name (顾客 + the last 4 characters of the id) ends in a digit, as 顾客 ad50 does. */
async function customerEndingInDigit(prefix: string): Promise<Customer> {
  for (let i = 0; ; i++) {
    const c = await bench.customer(`${prefix}-${i}`)
    if (/\d$/.test(c.user.name)) return c
    c.close()
  }
}

describe('people and messages', () => {
  it('gives a default-named customer an identicon, not the last character of the name', async () => {
    const a = await customerEndingInDigit('avatar-a')
    const b = await customerEndingInDigit('avatar-b')
    void a.client.sendText('在吗')
    void b.client.sendText('你好')
    const avatarA = row(mei, 'waiting', a.client.id).locator('.avatar')
    const avatarB = row(mei, 'waiting', b.client.id).locator('.avatar')
    await avatarA.waitFor()
    await avatarB.waitFor()
    expect(await avatarA.textContent()).not.toBe(a.user.name.slice(-1))
    expect(await avatarA.getAttribute('data-kind')).toBe('identicon')
    expect(await avatarA.locator('svg rect').count()).toBeGreaterThan(0)
    // Two customers, two pictures.
    expect(await avatarA.getAttribute('data-pattern')).not.toBe(await avatarB.getAttribute('data-pattern'))
    // A named person keeps a readable initial: the agent 小美.
    expect(await mei.locator('.me .avatar').getAttribute('data-kind')).toBe('initial')
    expect(await mei.locator('.me .avatar').textContent()).toBe('小美')
    a.close()
    b.close()
  })

  it('lets names take the room they need beside the tags and the accept button', async () => {
    const c = await customerEndingInDigit('names')
    void c.client.sendText('请问发货了吗？')
    const item = row(mei, 'waiting', c.client.id)
    await item.waitFor()
    for (const width of [1440, 1024]) {
      await mei.setViewportSize({ width, height: 800 })
      const name = item.locator('.conv-name')
      expect(await name.textContent()).toBe(c.user.name)
      const [scroll, client] = await name.evaluate((el) => [el.scrollWidth, el.clientWidth])
      expect(scroll).toBeLessThanOrEqual(client)
      expect(await item.locator('.conv-accept').isVisible()).toBe(true)
    }
    await mei.setViewportSize({ width: 1440, height: 900 })
    c.close()
  })

  describe('after a transfer', () => {
    let li: Page
    let customer: Customer

    beforeAll(async () => {
      // Before 小李 logs in, so the conversation is routed to 小美.
      customer = await bench.customer('transfer-sides')
      void customer.client.sendText('我要退货')
      await row(mei, 'waiting', customer.client.id).waitFor()
      await accept(mei, customer.client.id)
      await reply(mei, '好的，我先看一下订单')
      await customer.until(() => customer.texts().includes('好的，我先看一下订单'), 'the reply at the customer')
      const liPassword = await bench.addAgent('li', '小李')
      li = await bench.newPage()
      await bench.login(li, 'li', liPassword)
      await mei.click('.chat [data-action="transfer"]')
      await mei.locator('.modal-transfer .agent-item').filter({ hasText: '小李' }).locator('button').click()
      await openChat(li, 'waiting', customer.client.id)
    })

    afterAll(async () => {
      await li?.close() // 小李 goes offline: the next conversations are routed to 小美 again
      await bench.agentsOnline(1)
      customer?.close()
    })

    it('keeps every agent on the agent side, each with their name', async () => {
      const meiMessage = message(li, '好的，我先看一下订单')
      await meiMessage.waitFor()
      // The agent side is on the right, the customer's on the left.
      const customerMessage = message(li, '我要退货')
      const right = (await meiMessage.locator('.bubble').boundingBox())!
      const left = (await customerMessage.locator('.bubble').boundingBox())!
      expect(right.x).toBeGreaterThan(left.x)
      expect(await meiMessage.getAttribute('data-side')).toBe('agent')
      expect(await customerMessage.getAttribute('data-side')).toBe('customer')
      expect(await meiMessage.locator('.msg-name').textContent()).toBe('小美')

      // 小李 replies: 小李's own messages are on the same side, labelled too.
      await reply(li, '您好，我是小李，接下来由我为您处理')
      const own = message(li, '您好，我是小李，接下来由我为您处理')
      await own.waitFor()
      expect(await own.getAttribute('class')).toContain('msg-mine')
      expect(await own.getAttribute('data-side')).toBe('agent')
      expect(await own.locator('.msg-name').textContent()).toBe('小李')
      const mine = (await own.locator('.bubble').boundingBox())!
      expect(mine.x + mine.width).toBeCloseTo(right.x + right.width, 0)
    })
  })

  it("shows each message's time on hover, and a separator after a gap", async () => {
    const customer = await bench.customer('times')
    await customer.client.sendText('第一条')
    await row(mei, 'waiting', customer.client.id).waitFor()
    await accept(mei, customer.client.id)
    offset = 10 * 60_000 // ten minutes later
    await customer.client.sendText('十分钟后的第二条')
    offset += 30_000
    await customer.client.sendText('半分钟后的第三条')
    await bubble(mei, '半分钟后的第三条').waitFor()

    const labels = await mei.$$eval('.chat .msg-items > *', (els) =>
      els.map((e) => (e.classList.contains('time-label') ? `label` : (e.querySelector('.bubble-text')?.textContent ?? e.className))),
    )
    const second = labels.indexOf('十分钟后的第二条')
    const third = labels.indexOf('半分钟后的第三条')
    expect(labels[second - 1]).toBe('label')
    expect(labels[third - 1]).toBe('十分钟后的第二条')

    // Every message carries its time: shown on hover, the full date in its tooltip.
    const latest = message(mei, '半分钟后的第三条')
    const time = latest.locator('.msg-time')
    expect(await time.isVisible()).toBe(false)
    await latest.locator('.bubble').hover()
    await time.waitFor({ state: 'visible' })
    const ts = customer.client.messages.find((m) => m.text === '半分钟后的第三条')!.ts
    const expected = new Date(ts).toLocaleTimeString('zh-CN', {
      hour: '2-digit',
      minute: '2-digit',
      hour12: false,
      timeZone: 'Asia/Shanghai',
    })
    expect(await time.textContent()).toBe(expected)
    expect(await time.getAttribute('datetime')).toBe(new Date(ts).toISOString())
    expect(await time.getAttribute('title')).toMatch(/^\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}:\d{2}$/)
    offset = 0
    customer.close()
  })

  it('threw nothing and opened no dialog', () => {
    expect(bench.pageErrors).toEqual([])
    expect(bench.dialogs).toEqual([])
  })
})
