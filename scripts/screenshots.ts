/**
 * `npm run screenshots`, step 1: the customer's mini-program pages in the states issue 14
 * names, as miniprogram-simulate builds them (WeChat's official WXML compiler, the page code,
 * real data from the reference server on 127.0.0.1 port 0 and a real agent over ChatSocket),
 * written as stand-alone HTML with the project's WXSS at 375 px (test/helpers/screenshot.ts)
 * to build/screenshots/. Step 2, scripts/screenshots-render.ts, shoots them in Chromium.
 *
 * It runs under jest (jest.screenshots.config.js): the pages need what the simulation tests
 * have, jsdom, miniprogram-simulate and the TypeScript pages required at run time, and that is
 * the simulate project's environment (where playwright-core does not load, hence two steps).
 * Each shot is one `it`, so a state that is not reached fails by name.
 */
import fs from 'node:fs'
import path from 'node:path'
import { connectAgent, startChatServer, type ChatServer, type TestAgent } from '../test/helpers/chat-server'
import {
  bannerText,
  conversationOnPage,
  messagesOf,
  nextLaunch,
  startCustomerApp,
  typeAndSend,
  type CustomerApp,
} from '../test/helpers/mp-app'
import { find, openPage, settle, tap, type OpenPage, type SimComponent } from '../test/helpers/mp-page'
import { productPhoto } from '../test/helpers/png'
import { pageHtml, type Shot } from '../test/helpers/screenshot'
import { waitFor } from '../test/helpers/wait-for'

jest.setTimeout(60_000)

const HTML_DIR = process.env.SCREENSHOTS_HTML ?? path.join(__dirname, '../build/screenshots')
const CHAT = 'pages/chat/chat'

let server: ChatServer
let agent: TestAgent
const opened: Array<{ page: OpenPage; customer: CustomerApp }> = []

beforeAll(async () => {
  fs.rmSync(HTML_DIR, { recursive: true, force: true })
  fs.mkdirSync(HTML_DIR, { recursive: true })
  server = await startChatServer()
  agent = await connectAgent(server)
})
afterEach(() => {
  for (const { page, customer } of opened.splice(0)) {
    page.close()
    customer.dispose()
  }
})
afterAll(async () => {
  agent?.close()
  await server?.close()
})

type ShotOptions = Partial<Omit<Shot, 'name'>>

/** Writes `page` as `<name>.html` (and how to shoot it) for scripts/screenshots-render.ts. */
async function shoot(page: OpenPage, rel: string, name: string, options: ShotOptions = {}): Promise<void> {
  await settle()
  const html = await pageHtml(page, rel, { theme: options.theme })
  fs.writeFileSync(path.join(HTML_DIR, `${name}.html`), html)
  const shot: Shot = { name, theme: options.theme ?? 'light', list: options.list ?? 'bottom' }
  fs.writeFileSync(path.join(HTML_DIR, `${name}.json`), JSON.stringify(shot))
}

async function chat(): Promise<{ customer: CustomerApp; page: OpenPage; conversationId: string }> {
  const customer = startCustomerApp(server)
  const page = openPage(CHAT)
  opened.push({ page, customer })
  const conversationId = await conversationOnPage(page, customer)
  return { customer, page, conversationId }
}

async function send(page: OpenPage, text: string): Promise<string> {
  typeAndSend(page, text)
  await waitFor(() => messagesOf(page).some((m) => m.mine && m.text === text && m.status === 'sent'), `${text} sent`)
  return messagesOf(page).find((m) => m.mine && m.text === text)!.id
}

async function reply(page: OpenPage, conversationId: string, text: string): Promise<void> {
  await agent.say(conversationId, text)
  await waitFor(() => messagesOf(page).some((m) => !m.mine && m.text === text), `${text} on the page`)
}

/** The agent reads everything so far: the customer's messages turn 已读. */
async function agentReads(page: OpenPage, conversationId: string): Promise<void> {
  const seq = Math.max(...agent.messages.filter((m) => m.conversationId === conversationId).map((m) => m.seq))
  await agent.socket.send({ type: 'read', conversationId, seq })
  await waitFor(() => messagesOf(page).some((m) => m.mine && m.status === 'read'), '已读')
}

/** The customer picks a generated product photo (a real PNG file) and it uploads to the server. */
function chooseImage(customer: CustomerApp, page: OpenPage): void {
  customer.env.media.push({ tempFilePath: customer.env.tempFile(productPhoto(), 'png'), width: 320, height: 220 })
  tap(find(find(page.comp, '#input'), '.tool'))
}

async function sentImage(customer: CustomerApp, page: OpenPage): Promise<void> {
  const before = messagesOf(page).filter((m) => m.kind === 'image').length
  chooseImage(customer, page)
  await waitFor(() => messagesOf(page).filter((m) => m.kind === 'image' && m.status === 'sent').length > before, 'the image sent')
}

function bubble(page: OpenPage, id: string): SimComponent {
  const found = page.comp.querySelectorAll('.message').find((b) => (b.data as { message?: { id?: string } }).message?.id === id)
  if (found === undefined) throw new Error(`no bubble for ${id}`)
  return found
}

/** A conversation with text both ways, an image, the time separator and 已读/已发送. */
async function conversation(): Promise<{ customer: CustomerApp; page: OpenPage; conversationId: string }> {
  const c = await chat()
  await send(c.page, '你好，我的耳机还没到')
  await reply(c.page, c.conversationId, '您好，请问订单号是多少？')
  await send(c.page, '20261203-8848')
  await sentImage(c.customer, c.page)
  await agentReads(c.page, c.conversationId)
  await reply(c.page, c.conversationId, '包裹今天下午送达 🚚')
  await send(c.page, '好的，谢谢！👍')
  // The 已连接 confirmation goes after 2 s; shot with it, the list is shorter and the time separator at its top is cut.
  await waitFor(() => bannerText(c.page) === '', 'the 已连接 banner gone', 10_000)
  return c
}

it('a conversation: text, an image, the time separator, 已读 and 已发送', async () => {
  const { page } = await conversation()
  expect(page.text()).toContain('已读')
  expect(page.text()).toContain('已发送')
  await shoot(page, CHAT, 'conversation')
})

it('dark mode: the same conversation with the dark theme variables', async () => {
  const { page } = await conversation()
  await shoot(page, CHAT, 'dark', { theme: 'dark' })
})

it('offline: the banner and a message that stays 发送中 (the outbox)', async () => {
  const { customer, page, conversationId } = await chat()
  await send(page, '请问可以改收货地址吗？')
  await reply(page, conversationId, '可以的，请把新地址发给我')
  customer.env.setOnline(false)
  for (const task of customer.env.sockets.tasks) task.ws.terminate()
  await waitFor(() => page.instance.data.connection !== 'online', 'the link down')
  typeAndSend(page, '上海市浦东新区世纪大道 100 号')
  await waitFor(() => messagesOf(page).some((m) => m.text === '上海市浦东新区世纪大道 100 号' && m.status === 'sending'), '发送中')
  await settle()
  expect(page.text()).toContain('发送中')
  await shoot(page, CHAT, 'offline')
})

it('the emoji panel open under the input bar', async () => {
  const { page, conversationId } = await chat()
  await reply(page, conversationId, '您好，很高兴为您服务')
  const input = find(page.comp, '#input')
  find(input, '.field').dispatchEvent('input', { detail: { value: '收到啦', cursor: 3 } })
  tap(find(input, '.emoji-toggle'))
  await waitFor(() => input.querySelector('.emoji-panel') !== undefined, 'the emoji panel')
  tap(input.querySelectorAll('.emoji')[1]!)
  await settle()
  await shoot(page, CHAT, 'emoji-panel')
})

it('the long-press menu: 复制 and 撤回 on my message', async () => {
  const { page, conversationId } = await chat()
  await reply(page, conversationId, '您好，请问有什么可以帮您？')
  const id = await send(page, '这条消息发错了')
  bubble(page, id).querySelector('.bubble')!.dispatchEvent('longpress')
  await waitFor(() => page.instance.data.menuId === id, 'the menu')
  expect(find(bubble(page, id), '.menu').dom?.textContent).toBe('复制撤回')
  await shoot(page, CHAT, 'long-press-menu')
})

it('recalled messages: 你撤回了一条消息 and 对方撤回了一条消息', async () => {
  const { page, conversationId } = await chat()
  const id = await send(page, '这条消息发错了')
  bubble(page, id).querySelector('.bubble')!.dispatchEvent('longpress')
  await waitFor(() => page.instance.data.menuId === id, 'the menu')
  tap(find(bubble(page, id), '.recall'))
  await waitFor(() => page.text().includes('你撤回了一条消息'), 'my recall')
  await send(page, '我想咨询退货')
  await agent.say(conversationId, '稍等', 'shot-recall-agent')
  await waitFor(() => messagesOf(page).some((m) => m.id === 'shot-recall-agent'), "the agent's message")
  await agent.socket.request({ type: 'recall', conversationId, messageId: 'shot-recall-agent' })
  await waitFor(() => page.text().includes('对方撤回了一条消息'), "the agent's recall")
  await reply(page, conversationId, '好的，请问是哪一件商品？')
  await shoot(page, CHAT, 'recalled')
})

it('the satisfaction rating card once the agent closes the conversation (and 重新咨询)', async () => {
  const { page, conversationId } = await chat()
  await send(page, '退款已经收到了')
  await reply(page, conversationId, '好的，还有其他问题吗？')
  await send(page, '没有了，谢谢')
  await agent.socket.request({ type: 'accept', conversationId })
  await agent.socket.request({ type: 'close', conversationId })
  await waitFor(() => page.text().includes('请对本次服务进行评价'), 'the rating card')
  tap(page.comp.querySelectorAll('.star')[3]!)
  await waitFor(() => (page.instance.data.rating as { score: number }).score === 4, 'four stars')
  // No comment typed: the textarea's text is native in WeChat, not in the simulate DOM.
  await shoot(page, CHAT, 'rating')
})

it('有 N 条新消息: the pill while the customer reads older messages', async () => {
  const { page, conversationId } = await chat()
  for (const text of ['您好，请问有什么可以帮您？', '我们的退换货政策如下：']) await reply(page, conversationId, text)
  await send(page, '好的，我看一下')
  find(page.comp, '#list').dispatchEvent('scroll', { detail: { deltaY: 120, scrollTop: 0 } })
  await settle()
  await agent.say(conversationId, '1. 签收 7 天内可无理由退货')
  await agent.say(conversationId, '2. 质量问题 15 天内可换货')
  await waitFor(() => page.text().includes('有 2 条新消息'), 'the pill')
  await shoot(page, CHAT, 'new-messages-pill', { list: 'top' })
})

it('an image uploading: the placeholder with its progress', async () => {
  const { customer, page, conversationId } = await chat()
  await reply(page, conversationId, '麻烦拍一下商品的照片')
  // The upload in flight at 50% (what the double reports first), held there until the shot is
  // taken; then the real upload to the server runs with the same progress listeners.
  type Progress = (res: { progress: number; totalBytesSent: number; totalBytesExpectedToSend: number }) => void
  type UploadOptions = Parameters<CustomerApp['env']['uploadFile']>[0]
  const upload = (o: UploadOptions) => customer.env.uploadFile(o) as unknown as { onProgressUpdate(fn: Progress): void }
  let release: () => void = () => undefined
  const held = (o: UploadOptions) => {
    const listeners: Progress[] = []
    setImmediate(() => listeners.forEach((fn) => fn({ progress: 50, totalBytesSent: 50, totalBytesExpectedToSend: 100 })))
    release = () => {
      const task = upload(o)
      listeners.forEach((fn) => task.onProgressUpdate(fn))
    }
    return { abort: () => undefined, onProgressUpdate: (fn: Progress) => void listeners.push(fn) }
  }
  // The page calls the installed `wx` (startCustomerApp copied the env onto it).
  Object.assign(wx, { uploadFile: held })
  chooseImage(customer, page)
  await waitFor(() => (page.instance.data.uploads as Array<{ progress?: number }>)[0]?.progress === 50, 'the upload at 50%')
  await shoot(page, CHAT, 'image-uploading')
  release()
  await waitFor(() => messagesOf(page).some((m) => m.kind === 'image' && m.status === 'sent'), 'the image sent')
  Object.assign(wx, { uploadFile: upload })
})

it('a long history paged in: older pages loaded as blocks on scroll to the top, down to 没有更多消息了', async () => {
  const first = await chat()
  for (let i = 1; i <= 45; i++) await agent.say(first.conversationId, `第 ${i} 条：物流更新`)
  await waitFor(() => messagesOf(first.page).length >= 46, 'the history on the first page')
  first.page.close()
  first.customer.dispose()
  opened.splice(0, 1)
  // The next launch (same storage, same conversation): the page opens with the newest page only;
  // scrolling to the top loads the older ones, a block each.
  const customer = startCustomerApp(server, {}, nextLaunch(first.customer.env))
  const page = openPage(CHAT)
  opened.push({ page, customer })
  await waitFor(() => page.instance.data.loaded === true, 'the newest page')
  const blocksAtOpen = (page.instance.data.order as string[]).length
  while (page.instance.data.hasMore === true) {
    const before = (page.instance.data.order as string[]).length
    find(page.comp, '#list').dispatchEvent('scrolltoupper')
    await waitFor(() => (page.instance.data.order as string[]).length > before, 'an older block')
  }
  expect((page.instance.data.order as string[]).length).toBeGreaterThan(blocksAtOpen)
  await waitFor(() => page.text().includes('没有更多消息了'), 'the start of the history')
  await shoot(page, CHAT, 'history-paged', { list: 'top' })
})

it('the entry page: 联系客服, the conversation and its 最新消息', async () => {
  const { page, conversationId, customer } = await chat()
  await send(page, '我的订单还没到')
  await reply(page, conversationId, '已为您查询，明天送达')
  page.close()
  opened.splice(0, 1)
  const index = openPage('pages/index/index')
  opened.push({ page: index, customer })
  await waitFor(() => index.text().includes('最新消息：已为您查询，明天送达'), 'the latest message')
  await shoot(index, 'pages/index/index', 'entry')
})
