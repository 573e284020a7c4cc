/**
 * The chat page against a real server: miniprogram-simulate renders it, `wx` is the testing
 * kit's (WeChat's socket semantics over `ws`, storage in memory), and the server is the kit's
 * mock server, which acks every message and records what it got.
 */
import path from 'node:path'
import WebSocket from 'ws'
import {
  createWxEnv,
  createWxSocketOverWs,
  find,
  openPage,
  settle,
  startMockServer,
  tap,
  waitFor,
  type MockServer,
  type OpenPage,
  type WxEnv,
} from 'miniprogram-chat-socket/testing'

const CHAT_PAGE = path.join(__dirname, '../miniprogram/pages/chat/chat')

let server: MockServer
let env: WxEnv
let page: OpenPage

beforeEach(async () => {
  server = await startMockServer({ port: 0, ack: true, dedup: true })
  env = createWxEnv({ connectSocket: createWxSocketOverWs(WebSocket) })
  Object.assign(wx, env)
  App({ globalData: { serverUrl: server.url } })
  page = openPage(CHAT_PAGE)
})

afterEach(async () => {
  page.close()
  await server.close()
})

const shown = (selector: string) => find(page.comp, selector).dom?.textContent?.trim()
const deliveries = () => (page.instance.data.messages as Array<{ delivery?: string }>).map((m) => m.delivery)

/** Types into the input and taps 发送; simulate delivers the events on a microtask, settle() lets them run. */
async function typeAndSend(text: string): Promise<void> {
  find(page.comp, '.draft').dispatchEvent('input', { detail: { value: text } })
  tap(find(page.comp, '.send'))
  await settle()
}

it('connects and says so; a message reaches the server once and shows 已送达', async () => {
  await waitFor(() => shown('.status') === '已连接', { what: 'the link' })
  await typeAndSend('你好')
  await waitFor(() => deliveries()[0] === '已送达', { what: 'the ack' })
  expect(server.frames).toEqual([expect.objectContaining({ type: 'message', text: '你好' })])
  expect(page.text()).toContain('你好')
})

it('shows what the server pushes', async () => {
  await waitFor(() => shown('.status') === '已连接', { what: 'the link' })
  server.push({ type: 'message', text: '客服小王为您服务' })
  await waitFor(() => page.text().includes('客服小王为您服务'), { what: 'the pushed message' })
})

it('a message typed while the server is down waits (发送中), then goes out once after the reconnect', async () => {
  await waitFor(() => shown('.status') === '已连接', { what: 'the link' })
  await server.stop()
  await waitFor(() => shown('.status') === '网络不稳，重连中…', { what: 'the reconnecting state' })
  await typeAndSend('在吗')
  expect(deliveries()).toEqual(['发送中'])
  await server.listen()
  // Back from the background, ChatSocket retries at once instead of waiting out its backoff.
  env.emitAppShow()
  await waitFor(() => deliveries()[0] === '已送达', { what: 'the ack after the reconnect' })
  expect(server.frames.map((f) => f.text)).toEqual(['在吗'])
})

it('leaving the page closes the socket and removes its app and network listeners', async () => {
  await waitFor(() => server.connections.size === 1, { what: 'the connection' })
  expect(env.lifecycleListeners()).toBe(3)
  page.close()
  await waitFor(() => server.connections.size === 0, { what: 'the close' })
  expect(env.lifecycleListeners()).toBe(0)
})
