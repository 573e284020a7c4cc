/**
 * The app as WeChat starts it (app.ts → App() → onLaunch) and the entry page: login and the
 * stored token, the conversation's status, 联系客服.
 */
import { config } from '../../miniprogram/config'
import { AUTH_STORAGE_KEY, DEVICE_CODE_KEY } from '../../miniprogram/services/index'
import type { ChatAppOption } from '../../miniprogram/services/index'
import { connectAgent, startChatServer } from '../helpers/chat-server'
import type { ChatServer, TestAgent } from '../helpers/chat-server'
import { FAST_RECONNECT, startCustomerApp, typeAndSend } from '../helpers/mp-app'
import type { CustomerApp } from '../helpers/mp-app'
import { find, openPage, settle, tap } from '../helpers/mp-page'
import type { OpenPage } from '../helpers/mp-page'
import { waitFor } from '../helpers/wait-for'
import { createWxEnv } from '../helpers/wx-env'

jest.setTimeout(30_000)

let server: ChatServer
let agent: TestAgent
const apps: CustomerApp[] = []
const pages: OpenPage[] = []

function page(rel: string): OpenPage {
  const opened = openPage(rel)
  pages.push(opened)
  return opened
}

const statusOf = (opened: OpenPage): string => find(opened.comp, '.status').dom?.textContent ?? ''

beforeAll(async () => {
  server = await startChatServer()
  agent = await connectAgent(server)
})

afterEach(() => {
  for (const opened of pages.splice(0)) opened.close()
  for (const customer of apps.splice(0)) customer.dispose()
})

afterAll(async () => {
  agent.close()
  await server.close()
})

it('app.ts logs in on launch, and the entry page follows the conversation from 联系客服 to an agent serving', async () => {
  const env = createWxEnv()
  Object.assign(wx, env.api)
  config.server = server.url
  config.reconnect = FAST_RECONNECT
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('../../miniprogram/app')
  const app = getApp<ChatAppOption>()
  apps.push({
    env,
    service: app.chat,
    dispose: () => app.chat.dispose(),
    kill: () => {
      throw new Error('app.ts runs on the global timers')
    },
  })
  app.onLaunch?.({
    path: 'pages/index/index',
    query: {},
    scene: 1001,
    shareTicket: '',
    referrerInfo: { appId: '', extraData: {} },
    forwardMaterials: [],
    chatType: 1,
    apiCategory: 'default',
  })

  const index = page('pages/index/index')
  await waitFor(() => app.chat.state === 'open', 'the shared socket open')
  expect(env.requests.filter((r) => r === 'POST /api/login')).toHaveLength(1)
  expect(env.storage.get(AUTH_STORAGE_KEY)).toMatchObject({ token: expect.any(String), user: { id: expect.stringMatching(/^c_/) } })
  await waitFor(() => app.chat.session?.user !== null, 'the session')
  expect(statusOf(index)).toBe('暂无进行中的会话')
  expect(find(index.comp, '.contact').dom?.textContent).toBe('联系客服')

  tap(find(index.comp, '.contact'))
  await settle()
  expect(env.navigations).toEqual(['/pages/chat/chat'])

  // The chat page opens the conversation; the entry page (still loaded underneath) follows it.
  const chat = page('pages/chat/chat')
  await waitFor(() => chat.instance.data.ready === true, 'the conversation')
  await waitFor(() => statusOf(index) === '正在为您接入客服…', 'assigned on the entry page')
  const conversationId = app.chat.session?.client?.id ?? ''
  await agent.say(conversationId, '您好，请问有什么可以帮您？')
  await waitFor(() => statusOf(index) === '客服 小美 为您服务中', 'open on the entry page')
  expect(find(index.comp, '.contact').dom?.textContent).toBe('继续咨询')

  // 最新消息 is the latest message whoever wrote it: mine once acked, then the agent's reply.
  const previewOf = (): string => index.comp.querySelector('.preview')?.dom?.textContent ?? ''
  typeAndSend(chat, '我的订单还没到')
  await waitFor(() => previewOf() === '最新消息：我的订单还没到', 'my message as the latest')
  await agent.say(conversationId, '已为您查询，明天送达')
  await waitFor(() => previewOf() === '最新消息：已为您查询，明天送达', "the agent's reply as the latest")

  // One socket for both pages.
  expect(env.sockets.tasks).toHaveLength(1)
  chat.close()
  index.close()
  pages.splice(0)
  expect(app.chat.listenerCount()).toBe(0)
})

it('reuses the stored token when the app starts again: no second login', async () => {
  const first = startCustomerApp(server)
  apps.push(first)
  first.service.start()
  await waitFor(() => first.service.state === 'open', 'the first start connected')
  const user = first.service.session?.user
  await waitFor(() => first.service.session?.user !== null, 'the first session')
  first.dispose()

  const again = startCustomerApp(server, {}, first.env)
  apps.push(again)
  again.service.start()
  await waitFor(() => again.service.session?.user !== null, 'the second session')
  expect(again.service.session?.user?.id).toBe(first.service.session?.user?.id ?? user?.id)
  expect(first.env.requests.filter((r) => r === 'POST /api/login')).toHaveLength(1)
})

it('logs in again when the server refuses the stored token (its data was reset)', async () => {
  const env = createWxEnv()
  env.storage.set(AUTH_STORAGE_KEY, {
    token: 'v1.e30.bm90LWEtc2lnbmF0dXJl',
    expiresAt: Date.now() + 86_400_000,
    user: { id: 'c_gone', name: '顾客 gone' },
  })
  const customer = startCustomerApp(server, {}, env)
  apps.push(customer)
  const chat = page('pages/chat/chat')
  await waitFor(() => chat.instance.data.ready === true, 'the conversation after a fresh login')
  expect(env.requests).toContain('GET /api/me')
  expect(env.requests).not.toContain('GET /ws')
  expect(env.requests.filter((r) => r === 'POST /api/login')).toHaveLength(1)
  expect(customer.service.session?.user?.id).not.toBe('c_gone')
})

it('keeps a token the server still takes when connects fail for another reason', async () => {
  const env = createWxEnv()
  const first = startCustomerApp(server, {}, env)
  apps.push(first)
  first.service.start()
  await waitFor(() => first.service.state === 'open', 'the first start connected')
  const token = first.service.auth.stored?.token
  first.dispose()

  // The socket URL is wrong (no such path): every connect fails, yet the token is good.
  const again = startCustomerApp(server, { socket: `${server.url.replace(/^http/, 'ws')}/no-socket-here` }, env)
  apps.push(again)
  again.service.start()
  // A connect waits for its probe's answer, so a second probe means the first was answered.
  await waitFor(() => env.requests.filter((r) => r === 'GET /api/me').length >= 2, 'two token probes')
  expect(again.service.socket?.state).toBe('reconnecting')
  expect(again.service.auth.stored?.token).toBe(token)
  expect(env.requests.filter((r) => r === 'POST /api/login')).toHaveLength(1)
})

it('logs in with a per-install code when wx.login fails (devtools tourist mode), and keeps it', async () => {
  const env = createWxEnv()
  env.loginFails = true
  const customer = startCustomerApp(server, {}, env)
  apps.push(customer)
  const chat = page('pages/chat/chat')
  await waitFor(() => chat.instance.data.ready === true, 'the conversation')
  const code = env.storage.get(DEVICE_CODE_KEY)
  expect(code).toMatch(/^device-/)
  const user = customer.service.session?.user?.id

  // The token is gone (expired): the same code logs the same customer in again.
  customer.dispose()
  env.storage.delete(AUTH_STORAGE_KEY)
  const again = startCustomerApp(server, {}, env)
  apps.push(again)
  again.service.start()
  await waitFor(() => again.service.session?.user != null, 'the second session')
  expect(again.service.session?.user?.id).toBe(user)
  expect(env.storage.get(DEVICE_CODE_KEY)).toBe(code)
})
