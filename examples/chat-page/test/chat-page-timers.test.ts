/**
 * The same page on jest's fake timers, with the kit's fake SocketTask: nothing happens unless the
 * test says so, and time moves only when the test moves it. ChatSocket reads the global timers
 * at each call, so jest.useFakeTimers() applies to it.
 */
import path from 'node:path'
import { createFakeConnectSocket, createWxEnv, find, openPage, tap, type OpenPage } from 'miniprogram-chat-socket/testing'

const CHAT_PAGE = path.join(__dirname, '../miniprogram/pages/chat/chat')

let page: OpenPage
beforeEach(() => jest.useFakeTimers())
afterEach(() => {
  page.close()
  jest.useRealTimers()
})

/** Runs what is due now: the microtasks, simulate's event delivery and wx's callbacks. */
const flush = () => jest.advanceTimersByTimeAsync(0)
const deliveries = () => (page.instance.data.messages as Array<{ delivery?: string }>).map((m) => m.delivery)

function typeAndSend(text: string): void {
  find(page.comp, '.draft').dispatchEvent('input', { detail: { value: text } })
  tap(find(page.comp, '.send'))
}

it('sends on open, shows 已送达 on the ack, and 发送失败 when no ack comes within the send timeout', async () => {
  const fake = createFakeConnectSocket()
  Object.assign(wx, createWxEnv({ connectSocket: fake.connectSocket }))
  App({ globalData: { serverUrl: 'wss://chat.example.com/ws' } })
  page = openPage(CHAT_PAGE)
  await flush()

  const task = fake.last()
  expect(task.url).toBe('wss://chat.example.com/ws')
  expect(page.instance.data.status).toBe('连接中…')

  typeAndSend('第一条')
  await flush()
  expect(deliveries()).toEqual(['发送中'])
  expect(task.sent).toEqual([]) // no link yet: queued

  task.open()
  expect(page.instance.data.status).toBe('已连接')
  expect(task.sent).toEqual([expect.objectContaining({ type: 'message', text: '第一条' })])
  task.receive({ type: 'ack', id: task.sent[0]!.id })
  await flush()
  expect(deliveries()).toEqual(['已送达'])

  typeAndSend('第二条')
  await flush()
  await jest.advanceTimersByTimeAsync(15_000)
  expect(deliveries()).toEqual(['已送达', '发送失败'])
})

it('autoAck answers like a server: every message shows 已送达 without the test acking by hand', async () => {
  const fake = createFakeConnectSocket({ autoAck: true })
  Object.assign(wx, createWxEnv({ connectSocket: fake.connectSocket }))
  App({ globalData: { serverUrl: 'wss://chat.example.com/ws' } })
  page = openPage(CHAT_PAGE)
  await flush()
  fake.last().open()
  typeAndSend('一')
  typeAndSend('二')
  await flush()
  expect(deliveries()).toEqual(['已送达', '已送达'])
})
