/**
 * The chat page's emoji panel, 有 N 条新消息 pill and image sends with a placeholder, progress
 * and resend, in the simulate DOM against the real server on port 0.
 */
import { deleteBefore, insertAt } from '../../miniprogram/components/chat-input/emoji'
import { PNG } from '../server/helpers/images'
import { connectAgent, startChatServer } from '../helpers/chat-server'
import type { ChatServer, TestAgent } from '../helpers/chat-server'
import { conversationOnPage, messagesOf, startCustomerApp } from '../helpers/mp-app'
import type { CustomerApp } from '../helpers/mp-app'
import { find, openPage, settle, tap } from '../helpers/mp-page'
import type { OpenPage } from '../helpers/mp-page'
import { anchorOf } from '../../miniprogram/pages/chat/message-view'
import type { MessageView } from '../../miniprogram/pages/chat/message-view'
import { waitFor } from '../helpers/wait-for'

jest.setTimeout(30_000)

let server: ChatServer
let agent: TestAgent
const apps: CustomerApp[] = []
const pages: OpenPage[] = []

async function chat() {
  const customer = startCustomerApp(server)
  apps.push(customer)
  const page = openPage('pages/chat/chat')
  pages.push(page)
  const conversationId = await conversationOnPage(page, customer)
  return { customer, page, conversationId }
}

const uploadsOf = (page: OpenPage) => page.instance.data.uploads as MessageView[]

beforeAll(async () => {
  server = await startChatServer()
  agent = await connectAgent(server)
})
afterEach(() => {
  for (const page of pages.splice(0)) page.close()
  for (const customer of apps.splice(0)) customer.dispose()
})
afterAll(async () => {
  agent.close()
  await server.close()
})

describe('emoji', () => {
  it('inserts at a UTF-16 cursor and deletes a whole emoji before it', () => {
    expect(insertAt('你好', 1, '😀')).toEqual({ text: '你😀好', cursor: 3 })
    expect(insertAt('你好', -1, '😀')).toEqual({ text: '你好😀', cursor: 4 })
    expect(insertAt('你好', 99, '👍')).toEqual({ text: '你好👍', cursor: 4 })
    expect(deleteBefore('你😀好', 3)).toEqual({ text: '你好', cursor: 1 })
    expect(deleteBefore('好❤️', 3)).toEqual({ text: '好', cursor: 1 })
    expect(deleteBefore('', 0)).toEqual({ text: '', cursor: 0 })
  })

  it('opens a grid under the bar; a tapped emoji goes in at the cursor and the message goes out with it', async () => {
    const { page, conversationId } = await chat()
    const input = find(page.comp, '#input')
    find(input, '.field').dispatchEvent('input', { detail: { value: '你好', cursor: 1 } })
    await settle()
    expect(input.querySelector('.emoji-panel')).toBeUndefined()
    tap(find(input, '.emoji-toggle'))
    await settle()
    const emoji = input.querySelectorAll('.emoji')
    expect(emoji.length).toBeGreaterThanOrEqual(32)
    tap(emoji[0]!)
    await settle()
    expect(
      find(input, '.field')
        .toJSON()
        .attrs.find((a) => a.name === 'value')?.value,
    ).toBe('你😀好')
    tap(find(input, '.send'))
    await waitFor(() => agent.messages.some((m) => m.conversationId === conversationId && m.text === '你😀好'), 'the emoji at the agent')
  })
})

it('shows 有 N 条新消息 while the customer reads above, and scrolls down on a tap', async () => {
  const { page, conversationId } = await chat()
  find(page.comp, '#list').dispatchEvent('scroll', { detail: { deltaY: 120, scrollTop: 0 } })
  await settle()
  await agent.say(conversationId, '第一条', 'pill-1')
  await agent.say(conversationId, '第二条', 'pill-2')
  await waitFor(() => page.text().includes('有 2 条新消息'), 'the pill')
  const scrolledTo = page.instance.data.scrollInto
  expect(scrolledTo).not.toBe(anchorOf('pill-2')) // the reader was left where they were
  tap(find(page.comp, '.new-pill'))
  await waitFor(() => page.instance.data.newCount === 0, 'the pill gone')
  expect(page.instance.data.scrollInto).toBe(anchorOf('pill-2'))
  expect(page.comp.querySelector('.new-pill')).toBeUndefined()
  // Following again: the next message moves the list, no pill.
  await agent.say(conversationId, '第三条', 'pill-3')
  await waitFor(() => page.instance.data.scrollInto === anchorOf('pill-3'), 'followed')
  expect(page.instance.data.newCount).toBe(0)
})

it('shows a chosen image at once with its upload progress, then sends it; a failed upload resends on a tap', async () => {
  const { customer, page } = await chat()
  customer.env.media.push({ tempFilePath: customer.env.tempFile(PNG, 'png'), width: 1, height: 1 })
  const seen: number[] = []
  tap(find(find(page.comp, '#input'), '.tool'))
  await waitFor(() => uploadsOf(page).length === 1, 'the placeholder')
  const placeholder = uploadsOf(page)[0]!
  expect(placeholder).toMatchObject({ kind: 'image', mine: true, status: 'sending', image: expect.stringContaining('.png') })
  await waitFor(() => messagesOf(page).some((m) => m.kind === 'image' && m.status === 'sent'), 'the image sent')
  for (const call of page.calls) {
    const progress = call['uploads[0].progress']
    if (typeof progress === 'number' && !seen.includes(progress)) seen.push(progress)
  }
  expect(seen).toEqual([50, 100]) // UploadTask.onProgressUpdate, as the double reports it
  expect(uploadsOf(page)).toEqual([])

  // The network fails the upload: 发送失败, nothing sent; a tap uploads it again.
  const before = agent.messages.filter((m) => m.kind === 'image').length
  customer.env.uploadFails = true
  customer.env.media.push({ tempFilePath: customer.env.tempFile(PNG, 'png'), width: 1, height: 1 })
  tap(find(find(page.comp, '#input'), '.tool'))
  await waitFor(() => uploadsOf(page)[0]?.status === 'failed', 'the failed upload')
  expect(customer.env.toasts).toContain('图片上传失败，点击重试')
  expect(page.comp.querySelectorAll('.upload')).toHaveLength(1)
  customer.env.uploadFails = false
  tap(find(page.comp.querySelectorAll('.upload')[0]!, '.status'))
  await waitFor(() => uploadsOf(page).length === 0, 'the upload done')
  await waitFor(() => agent.messages.filter((m) => m.kind === 'image').length === before + 1, 'the resent image at the agent')
})
