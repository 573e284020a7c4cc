/**
 * The console's reply box in Chromium: drafts kept per conversation (switching, reloading),
 * and the length limit (a counter near it, a capped height, errors beside the input rather
 * than over it).
 */
import type { Page } from 'playwright-core'
import type { Customer } from '../helpers/e2e-customer'
import { accept, bubble, openBench, openChat, reply, row, type Bench } from '../helpers/e2e-console'

jest.setTimeout(60_000)

let bench: Bench
let page: Page
let ann: Customer
let ben: Customer

beforeAll(async () => {
  bench = await openBench()
  page = await bench.newPage()
  await bench.login(page)
  ann = await bench.customer('composer-ann')
  ben = await bench.customer('composer-ben')
  void ann.client.sendText('你好，我想改一下收货地址')
  void ben.client.sendText('发票怎么开？')
  await row(page, 'waiting', ann.client.id).waitFor()
  await row(page, 'waiting', ben.client.id).waitFor()
  await accept(page, ann.client.id)
  await accept(page, ben.client.id)
})

afterAll(() => bench?.close())

const input = (): Promise<string> => page.inputValue('.composer-input')

interface Box {
  x: number
  y: number
  width: number
  height: number
}

function overlaps(a: Box, b: Box): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height
}

describe('the composer', () => {
  it('keeps a draft per conversation across switches and a reload, until it is sent', async () => {
    await openChat(page, 'mine', ann.client.id)
    await page.fill('.composer-input', '好的，请把新地址发给我')
    await openChat(page, 'mine', ben.client.id)
    expect(await input()).toBe('')
    await page.fill('.composer-input', '可以在订单页申请')
    await openChat(page, 'mine', ann.client.id)
    expect(await input()).toBe('好的，请把新地址发给我')
    // The other conversation's row says it holds a draft.
    await row(page, 'mine', ben.client.id).locator('.conv-draft').filter({ hasText: '[草稿]' }).waitFor()
    expect(await row(page, 'mine', ben.client.id).locator('.conv-preview').textContent()).toBe('[草稿] 可以在订单页申请')

    await page.reload()
    await page.locator('.me-presence[data-online="yes"]').waitFor()
    await openChat(page, 'mine', ben.client.id)
    expect(await input()).toBe('可以在订单页申请')
    await page.press('.composer-input', 'Enter')
    await ben.until(() => ben.texts().includes('可以在订单页申请'), 'the reply at ben')
    expect(await input()).toBe('')
    await openChat(page, 'mine', ann.client.id)
    expect(await input()).toBe('好的，请把新地址发给我')

    // Sent means gone: not back after a reload.
    await page.reload()
    await page.locator('.me-presence[data-online="yes"]').waitFor()
    await openChat(page, 'mine', ben.client.id)
    expect(await input()).toBe('')
    expect(await row(page, 'mine', ben.client.id).locator('.conv-draft').count()).toBe(0)
  })

  it('shows a counter near the limit, caps its height, and puts the error beside the input', async () => {
    await openChat(page, 'mine', ann.client.id)
    // Enough messages to fill the column: a growing reply box must not push the newest out of view.
    for (let i = 1; i <= 20; i++) await ann.client.sendText(`地址第 ${i} 行`)
    await bubble(page, '地址第 20 行').waitFor()
    await reply(page, '收到')
    await bubble(page, '收到').waitFor()
    const counter = page.locator('.composer-counter')
    await page.fill('.composer-input', '短消息')
    expect(await counter.isVisible()).toBe(false)

    await page.fill('.composer-input', '字'.repeat(1900))
    await counter.filter({ hasText: '1900 / 2000' }).waitFor()
    expect(await page.locator('.composer-send').isDisabled()).toBe(false)

    await page.fill('.composer-input', '字'.repeat(2100))
    await counter.filter({ hasText: '2100 / 2000' }).waitFor()
    expect(await counter.getAttribute('data-over')).toBe('yes')
    expect(await page.locator('.composer-send').isDisabled()).toBe(true)
    await page.press('.composer-input', 'Enter')
    const error = page.locator('.composer-error').filter({ hasText: '超出 100 字' })
    await error.waitFor()
    // Nothing was sent, and nothing covers the text being edited.
    expect(await input()).toHaveLength(2100)
    const inputBox = (await page.locator('.composer-input').boundingBox())!
    for (const el of await page.locator('.toast, .composer-error').all()) {
      const box = await el.boundingBox()
      if (box !== null) expect(overlaps(box, inputBox)).toBe(false)
    }
    // The composer stays a reply box: the last message is still in view above it.
    const chat = (await page.locator('.chat').boundingBox())!
    expect(inputBox.height).toBeLessThanOrEqual(chat.height * 0.4)
    const last = (await bubble(page, '收到').boundingBox())!
    const composer = (await page.locator('.composer').boundingBox())!
    expect(last.y + last.height).toBeLessThanOrEqual(composer.y)
    const messages = (await page.locator('.messages').boundingBox())!
    expect(last.y).toBeGreaterThanOrEqual(messages.y)

    // Back under the limit: the error goes, and it sends.
    await page.fill('.composer-input', '字'.repeat(2000))
    await error.waitFor({ state: 'detached' })
    expect(await page.locator('.composer-send').isDisabled()).toBe(false)
  })

  it('counts characters as the server does: an emoji is one', async () => {
    const emoji = '👍'.repeat(1900) // 3800 UTF-16 units, 1900 characters
    await page.fill('.composer-input', emoji)
    await page.press('.composer-input', 'Enter')
    await ann.until(() => ann.texts().includes(emoji), 'the emoji reply at ann')
    expect(await page.locator('.toast-error').count()).toBe(0)
    await page.fill('.composer-input', emoji)
    await page.locator('.composer-counter').filter({ hasText: '1900 / 2000' }).waitFor()
  })

  it('threw nothing and opened no dialog', () => {
    expect(bench.pageErrors).toEqual([])
    expect(bench.dialogs).toEqual([])
  })
})
