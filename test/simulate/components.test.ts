/**
 * The custom components rendered with the official WXML compiler: message-bubble,
 * chat-input and connection-banner, on their own.
 */
import type { MessageView } from '../../miniprogram/pages/chat/message-view'
import { attr, events, find, renderComponent, settle, tap } from '../helpers/mp-page'
import type { RenderedComponent } from '../helpers/mp-page'

const BUBBLE = 'components/message-bubble/message-bubble'
const INPUT = 'components/chat-input/chat-input'
const BANNER = 'components/connection-banner/connection-banner'

const rendered: RenderedComponent[] = []
function render(rel: string, properties: Record<string, unknown> = {}): RenderedComponent {
  const component = renderComponent(rel, properties)
  rendered.push(component)
  return component
}

afterEach(() => {
  for (const component of rendered.splice(0)) component.detach()
})

function view(overrides: Partial<MessageView> = {}): MessageView {
  return {
    id: 'm-1',
    anchor: 'mm-1',
    kind: 'text',
    mine: false,
    role: 'agent',
    name: '小美',
    avatar: '',
    initial: '小',
    text: '您好',
    status: null,
    time: '',
    recalled: false,
    ...overrides,
  }
}

describe('message-bubble', () => {
  it('renders their message on the left with name and initial avatar, without a status', () => {
    const bubble = render(BUBBLE, { message: view() })
    expect(find(bubble.comp, '.row').dom?.className).toContain('theirs')
    expect(find(bubble.comp, '.name').dom?.textContent).toBe('小美')
    expect(find(bubble.comp, '.avatar-initial').dom?.textContent).toBe('小')
    expect(find(bubble.comp, '.text').dom?.textContent).toBe('您好')
    expect(bubble.comp.querySelector('.status')).toBeUndefined()
  })

  it.each([
    ['sending', '发送中'],
    ['sent', '已发送'],
    ['read', '已读'],
    ['failed', '发送失败'],
  ] as const)('shows my %s message on the right as %s', (status, label) => {
    const bubble = render(BUBBLE, { message: view({ mine: true, role: 'customer', name: '顾客 ab12', initial: '顾', status }) })
    expect(find(bubble.comp, '.row').dom?.className).toContain('mine')
    expect(find(bubble.comp, '.status-text').dom?.textContent).toBe(label)
    // WeChat never labels your own side with your (internal) name.
    expect(bubble.comp.querySelector('.name')).toBeUndefined()
    expect(bubble.text()).not.toContain('顾客 ab12')
  })

  it('emits resend with the id when 发送失败 is tapped, and nothing for other statuses', async () => {
    const failed = render(BUBBLE, { message: view({ id: 'k-7', mine: true, status: 'failed' }) })
    const resends = events<{ id: string }>(failed.comp, 'resend')
    tap(find(failed.comp, '.status'))
    await settle()
    expect(resends).toEqual([{ id: 'k-7' }])

    const sent = render(BUBBLE, { message: view({ id: 'k-8', mine: true, status: 'sent' }) })
    const none = events(sent.comp, 'resend')
    tap(find(sent.comp, '.status'))
    await settle()
    expect(none).toEqual([])
  })

  it('shows an image and emits preview with its src when tapped', async () => {
    const src = 'http://127.0.0.1:8080/uploads/abc.png'
    const bubble = render(BUBBLE, { message: view({ kind: 'image', text: undefined, image: src }) })
    expect(attr(find(bubble.comp, '.image'), 'src')).toBe(src)
    const previews = events<{ src: string }>(bubble.comp, 'preview')
    tap(find(bubble.comp, '.image-bubble'))
    await settle()
    expect(previews).toEqual([{ src }])
  })

  it('shows markup in a text as text, and keeps long words in a wrapping text node', () => {
    const text = `<b onclick="x()">粗体</b> ${'https://example.com/'.repeat(10)}`
    const bubble = render(BUBBLE, { message: view({ text }) })
    const node = find(bubble.comp, '.text')
    expect(node.dom?.textContent).toBe(text)
    expect(node.dom?.querySelector('b')).toBeNull()
  })

  it('renders a system notice as a centred line without avatar', () => {
    const bubble = render(BUBBLE, { message: view({ kind: 'system', role: 'system', name: '系统', text: '客服 小美 为您服务' }) })
    expect(find(bubble.comp, '.system').dom?.textContent).toBe('客服 小美 为您服务')
    expect(bubble.comp.querySelector('.avatar')).toBeUndefined()
  })
})

describe('chat-input', () => {
  it('disables 发送 while the text is empty or blank', async () => {
    const input = render(INPUT)
    const sends = events(input.comp, 'send')
    expect(attr(find(input.comp, '.send'), 'disabled')).toBe(true)
    find(input.comp, '.field').dispatchEvent('input', { detail: { value: '   ' } })
    await settle()
    expect(attr(find(input.comp, '.send'), 'disabled')).toBe(true)
    tap(find(input.comp, '.send'))
    await settle()
    expect(sends).toEqual([])
  })

  it('sends the typed text, clears the field, and reports typing on each keystroke', async () => {
    const input = render(INPUT)
    const sends = events<{ text: string }>(input.comp, 'send')
    const typing = events(input.comp, 'typing')
    find(input.comp, '.field').dispatchEvent('input', { detail: { value: '你' } })
    find(input.comp, '.field').dispatchEvent('input', { detail: { value: '你好' } })
    await settle()
    expect(typing).toHaveLength(2)
    expect(attr(find(input.comp, '.send'), 'disabled')).toBe(false)
    tap(find(input.comp, '.send'))
    await settle()
    expect(sends).toEqual([{ text: '你好' }])
    expect(input.comp.data.text).toBe('')
    expect(attr(find(input.comp, '.send'), 'disabled')).toBe(true)
  })

  it('sends on the keyboard confirm key too, and not at all when disabled', async () => {
    const input = render(INPUT)
    const sends = events<{ text: string }>(input.comp, 'send')
    find(input.comp, '.field').dispatchEvent('input', { detail: { value: 'hi' } })
    await settle()
    find(input.comp, '.field').dispatchEvent('confirm', { detail: { value: 'hi' } })
    await settle()
    expect(sends).toEqual([{ text: 'hi' }])

    const off = render(INPUT, { disabled: true })
    const none = events(off.comp, 'send')
    find(off.comp, '.field').dispatchEvent('input', { detail: { value: 'hi' } })
    await settle()
    tap(find(off.comp, '.send'))
    await settle()
    expect(none).toEqual([])
    expect(attr(find(off.comp, '.field'), 'disabled')).toBe(true)
  })

  it('reports the keyboard height so the page can move the bar, and 0 on blur', async () => {
    const input = render(INPUT)
    const heights = events<{ height: number }>(input.comp, 'keyboard')
    find(input.comp, '.field').dispatchEvent('keyboardheightchange', { detail: { height: 320, duration: 0.25 } })
    find(input.comp, '.field').dispatchEvent('blur', { detail: { value: '' } })
    await settle()
    expect(heights).toEqual([{ height: 320 }, { height: 0 }])
  })

  it('emits image when the picture button is tapped', async () => {
    const input = render(INPUT)
    const images = events(input.comp, 'image')
    tap(find(input.comp, '.tool'))
    await settle()
    expect(images).toHaveLength(1)
  })
})

describe('connection-banner', () => {
  const text = (banner: RenderedComponent): string => banner.text().trim()

  it('says 连接中… before the first connect, and nothing once connected', () => {
    const banner = render(BANNER, { state: 'connecting' })
    expect(text(banner)).toBe('连接中…')
    expect(text(render(BANNER, { state: 'open' }))).toBe('')
  })

  it('says 网络已断开，正在重连… while reconnecting, then 已连接 until it settles', async () => {
    const banner = render(BANNER, { state: 'open', settle: 20 })
    banner.comp.setData({ state: 'reconnecting' })
    expect(text(banner)).toBe('网络已断开，正在重连…')
    banner.comp.setData({ state: 'open' })
    expect(text(banner)).toBe('已连接')
    await new Promise<void>((resolve) => {
      const check = (): void => (text(banner) === '' ? resolve() : void setTimeout(check, 5))
      check()
    })
    expect(text(banner)).toBe('')
  })

  it('says 连接已断开 when the socket gave up', () => {
    const banner = render(BANNER, { state: 'open' })
    banner.comp.setData({ state: 'closed' })
    expect(text(banner)).toBe('连接已断开')
  })

  it('clears its timer when detached', () => {
    jest.useFakeTimers()
    try {
      const banner = renderComponent(BANNER, { state: 'reconnecting', settle: 60_000 })
      banner.comp.setData({ state: 'open' })
      expect(jest.getTimerCount()).toBe(1)
      banner.detach()
      expect(jest.getTimerCount()).toBe(0)
    } finally {
      jest.useRealTimers()
    }
  })
})
