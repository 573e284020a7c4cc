/**
 * The chat page's long-press menu (复制, 撤回 within 2 minutes) and the satisfaction card after
 * the agent closes, in the simulate DOM against the real server on port 0: what the customer
 * sees, what the agent's socket receives.
 */
import { RECALL_WINDOW_MS } from '../../src/protocol'
import type { Clock } from '../../src/clock'
import { connectAgent, startChatServer } from '../helpers/chat-server'
import type { ChatServer, TestAgent } from '../helpers/chat-server'
import { conversationOnPage, messagesOf, startCustomerApp, typeAndSend } from '../helpers/mp-app'
import type { CustomerApp } from '../helpers/mp-app'
import { find, openPage, settle, tap } from '../helpers/mp-page'
import type { OpenPage, SimComponent } from '../helpers/mp-page'
import { waitFor } from '../helpers/wait-for'
import { createWxEnv } from '../helpers/wx-env'

jest.setTimeout(30_000)

let server: ChatServer
let agent: TestAgent
const apps: CustomerApp[] = []
const pages: OpenPage[] = []

/** The global timers, with a `now` the test can move on (the customer's idea of "two minutes later"). */
function shiftedClock(): Clock & { shift: number } {
  const clock = {
    shift: 0,
    now: () => Date.now() + clock.shift,
    setTimeout: (fn: () => void, ms: number) => setTimeout(fn, ms),
    clearTimeout: (handle: unknown) => clearTimeout(handle as NodeJS.Timeout),
  }
  return clock
}

async function chat(clock?: Clock) {
  const env = createWxEnv()
  const customer = startCustomerApp(server, {}, env, clock)
  apps.push(customer)
  const page = openPage('pages/chat/chat')
  pages.push(page)
  const conversationId = await conversationOnPage(page, customer)
  return { env, customer, page, conversationId }
}

/** The bubble component of the message with `id` on the page. */
function bubbleOf(page: OpenPage, id: string): SimComponent {
  const index = messagesOf(page).findIndex((m) => m.id === id)
  const bubble = page.comp.querySelectorAll('.message')[index]
  if (bubble === undefined) throw new Error(`no bubble for ${id}`)
  return bubble
}

async function sentMessage(page: OpenPage, text: string): Promise<string> {
  typeAndSend(page, text)
  await waitFor(() => messagesOf(page).some((m) => m.mine && m.text === text && m.status !== 'sending'), `${text} sent`)
  return messagesOf(page).find((m) => m.text === text)!.id
}

beforeAll(async () => {
  server = await startChatServer()
})
beforeEach(async () => {
  agent = await connectAgent(server)
})
afterEach(() => {
  for (const page of pages.splice(0)) page.close()
  for (const customer of apps.splice(0)) customer.dispose()
  agent.close()
})
afterAll(() => server.close())

it('long-press: 复制 copies the text; 撤回 takes my message back on both sides as 你撤回了一条消息', async () => {
  const { env, page, conversationId } = await chat()
  const id = await sentMessage(page, '这条发错了')
  await waitFor(() => agent.messages.some((m) => m.id === id), 'the message at the agent')

  bubbleOf(page, id).querySelector('.bubble')!.dispatchEvent('longpress')
  await waitFor(() => page.instance.data.menuId === id, 'the menu open')
  const bubble = bubbleOf(page, id)
  expect(find(bubble, '.menu').dom?.textContent).toBe('复制撤回')
  tap(find(bubble, '.copy'))
  await waitFor(() => env.clipboard.length === 1, 'the copy')
  expect(env.clipboard).toEqual(['这条发错了'])
  expect(page.instance.data.menuId).toBe('')

  bubbleOf(page, id).querySelector('.bubble')!.dispatchEvent('longpress')
  await waitFor(() => page.instance.data.menuId === id, 'the menu open again')
  tap(find(bubbleOf(page, id), '.recall'))
  await waitFor(() => page.text().includes('你撤回了一条消息'), 'my recall on my page')
  expect(page.text()).not.toContain('这条发错了')
  const recall = await agent.frameWhere((f) => f.type === 'recall' && f.messageId === id, 'the recall at the agent')
  expect(recall).toMatchObject({ conversationId, seq: expect.any(Number), by: { role: 'customer' } })
})

it("shows the agent's recall as 对方撤回了一条消息, and offers only 复制 on their messages", async () => {
  const { page, conversationId } = await chat()
  const ack = await agent.say(conversationId, '请稍等', 'agent-msg-1')
  await waitFor(() => messagesOf(page).some((m) => m.id === 'agent-msg-1'), "the agent's message")
  bubbleOf(page, 'agent-msg-1').querySelector('.bubble')!.dispatchEvent('longpress')
  await waitFor(() => page.instance.data.menuId === 'agent-msg-1', 'the menu')
  expect(find(bubbleOf(page, 'agent-msg-1'), '.menu').dom?.textContent).toBe('复制')
  tap(find(bubbleOf(page, 'agent-msg-1'), '.menu-mask'))
  await waitFor(() => page.instance.data.menuId === '', 'the menu closed by a tap outside')

  expect(ack).toMatchObject({ seq: expect.any(Number) })
  await agent.socket.request({ type: 'recall', conversationId, messageId: 'agent-msg-1' })
  await waitFor(() => page.text().includes('对方撤回了一条消息'), "the agent's recall on the page")
  expect(page.text()).not.toContain('请稍等')
})

it('offers no 撤回 two minutes after sending (复制 only)', async () => {
  const clock = shiftedClock()
  const { page } = await chat(clock)
  const id = await sentMessage(page, '两分钟前的消息')
  clock.shift = RECALL_WINDOW_MS + 1000
  bubbleOf(page, id).querySelector('.bubble')!.dispatchEvent('longpress')
  await waitFor(() => page.instance.data.menuId === id, 'the menu')
  expect(find(bubbleOf(page, id), '.menu').dom?.textContent).toBe('复制')
})

it('asks for a rating once the agent closes: stars, a comment, sent once and shown to the agent', async () => {
  const { page, conversationId } = await chat()
  await agent.socket.request({ type: 'accept', conversationId })
  await agent.socket.request({ type: 'close', conversationId })
  await waitFor(() => page.text().includes('请对本次服务进行评价'), 'the rating card')
  const submit = find(page.comp, '.rating-submit')
  expect(submit.dom?.className).toContain('off') // no star yet

  tap(page.comp.querySelectorAll('.star')[3]!)
  await waitFor(() => (page.instance.data.rating as { score: number }).score === 4, 'four stars')
  expect(page.comp.querySelectorAll('.star.on')).toHaveLength(4)
  find(page.comp, '.rating-comment').dispatchEvent('input', { detail: { value: '回复很及时' } })
  await settle()
  tap(find(page.comp, '.rating-submit'))
  tap(find(page.comp, '.rating-submit')) // a double tap sends once
  const rating = await agent.frameWhere((f) => f.type === 'rating', 'the rating at the agent')
  expect(rating).toMatchObject({ conversationId, rating: { score: 4, comment: '回复很及时' } })
  await waitFor(() => page.text().includes('感谢您的评价'), 'the thanks')
  expect(page.text()).toContain('回复很及时')
  expect(page.comp.querySelector('.rating-submit')).toBeUndefined()
  await settle()
  expect(agent.frames.filter((f) => f.type === 'rating')).toHaveLength(1)
})
