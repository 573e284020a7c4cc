/** The chat page's view of messages and its translation of setDataPatch payloads. */
import { MessageList, setDataPatch, TIME_LABEL_GAP } from '../../src/chat'
import type { ListChange } from '../../src/chat'
import { anchorOf, toView, toViewPatch, toViews } from '../../miniprogram/pages/chat/message-view'
import type { ViewContext } from '../../miniprogram/pages/chat/message-view'
import { agent, customer, message, sender, T0 } from '../helpers/chat-fixtures'

const context: ViewContext = {
  now: T0 + 15 * 60_000, // after every message here, on the same day in every time zone (T0 is 06:00 UTC)
  imageSrc: (url) => (url.startsWith('/') ? `http://server${url}` : ''),
}

function list(count: number): { list: MessageList; changes: ListChange[] } {
  const l = new MessageList({ myId: customer.id })
  for (let seq = 1; seq <= count; seq++) l.merge([message(seq, seq % 2 === 0 ? customer : agent)])
  const changes: ListChange[] = []
  l.on('change', (c) => changes.push(c))
  return { list: l, changes }
}

describe('toView', () => {
  it('shows name, initial, side, status and the time label of the first message', () => {
    const { list: l } = list(2)
    expect(toView(l.messages, 0, context)).toEqual({
      id: 'm-1',
      anchor: 'mm-1',
      kind: 'text',
      mine: false,
      role: 'agent',
      name: '小美',
      avatar: '',
      initial: '小',
      text: 'message 1',
      status: null,
      time: expect.stringMatching(/^今天 \d\d:\d\d$/),
      recalled: false,
    })
    expect(toView(l.messages, 1, context)).toMatchObject({ mine: true, status: 'sent', time: '' })
  })

  it('makes image paths absolute and refuses other schemes', () => {
    const l = new MessageList({ myId: customer.id })
    l.merge([
      message(1, agent, { kind: 'image', text: undefined, image: { url: '/uploads/a.png' } }),
      message(2, agent, { kind: 'image', text: undefined, image: { url: 'javascript:alert(1)' } }),
    ])
    expect(toViews(l.messages, context).map((v) => v.image)).toEqual(['http://server/uploads/a.png', ''])
  })
})

describe('toViewPatch', () => {
  it('turns an appended message into one view at its path', () => {
    const { list: l, changes } = list(3)
    l.merge([message(4)])
    expect(toViewPatch(setDataPatch(changes, l.messages), l.messages, context)).toEqual({ 'messages[3]': toView(l.messages, 3, context) })
  })

  it('keeps a status path and drops seq; a new ts relabels that message and the next', () => {
    const { list: l, changes } = list(2)
    l.addPending({ id: 'p1', conversationId: 'conv_1', ts: T0, from: sender(customer), kind: 'text', text: 'hi' })
    l.fail('p1')
    expect(toViewPatch(setDataPatch(changes.slice(1), l.messages), l.messages, context)).toEqual({ 'messages[2].status': 'failed' })

    changes.length = 0
    l.retry('p1')
    // Acked 10 minutes after message 2: a separator appears before it.
    l.ack('p1', 3, T0 + 2 * 60_000 + TIME_LABEL_GAP * 2)
    const patch = toViewPatch(setDataPatch(changes, l.messages), l.messages, context)
    expect(patch).toEqual({ 'messages[2].status': 'sent', 'messages[2].time': expect.stringMatching(/^今天 /) })
  })

  it('rewrites the whole list as views after a prepend', () => {
    const { list: l, changes } = list(0)
    l.merge([message(5), message(6)])
    l.merge([message(3), message(4)])
    const patch = toViewPatch(setDataPatch(changes, l.messages), l.messages, context)
    expect(Object.keys(patch)).toEqual(['messages'])
    expect(patch.messages).toEqual(toViews(l.messages, context))
  })

  it('passes other keys through', () => {
    expect(toViewPatch({ scrollInto: 'm3', typing: true }, [], context)).toEqual({ scrollInto: 'm3', typing: true })
  })
})

describe('anchorOf', () => {
  it('makes a valid, distinct element id from any message id', () => {
    expect(anchorOf('c1-7')).toBe('mc1-7')
    // '_' is escaped too, so 'a_2e_b' (literal) and 'a.b' never meet.
    expect(anchorOf('a.b')).toBe('ma_2e_b')
    expect(anchorOf('a_2e_b')).not.toBe(anchorOf('a.b'))
    expect(anchorOf('消息:1')).toMatch(/^m[A-Za-z0-9_-]+$/)
  })
})
