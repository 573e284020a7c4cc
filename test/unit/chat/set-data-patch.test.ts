import { MessageList, setDataPatch } from '../../../src/chat'
import type { ListChange } from '../../../src/chat'
import { customer, message, messages, sender, T0 } from '../../helpers/chat-fixtures'

function setup(count: number): { list: MessageList; changes: ListChange[] } {
  const list = new MessageList({ myId: customer.id })
  list.merge(messages(1, count))
  const changes: ListChange[] = []
  list.on('change', (change) => changes.push(change))
  return { list, changes }
}

const mine = (id: string) => ({ id, conversationId: 'conv_1', ts: T0, from: sender(customer), kind: 'text' as const, text: id })

describe('setDataPatch', () => {
  it('sets exactly one path for one appended message', () => {
    const { list, changes } = setup(10)
    list.merge([message(11)])
    expect(setDataPatch(changes, list.messages)).toEqual({ 'messages[10]': list.messages[10] })
  })

  it('costs the same to append one message to 10 or to 1,000 (only the index and seq digits differ)', () => {
    const payload = (count: number): Record<string, unknown> => {
      const { list, changes } = setup(count)
      list.merge([message(count + 1, customer, { id: 'new', ts: T0, text: 'hello' })])
      return setDataPatch(changes, list.messages)
    }
    const small = JSON.stringify(payload(10))
    const large = JSON.stringify(payload(1000))
    expect(large.length - small.length).toBe(4) // "1000" vs "10" in the path and "1001" vs "11" in the seq
  })

  it('sets only the status path for a status change', () => {
    const { list, changes } = setup(3)
    list.addPending(mine('p1'))
    list.fail('p1')
    const payload = setDataPatch(changes.slice(1), list.messages)
    expect(payload).toEqual({ 'messages[3].status': 'failed' })
  })

  it('batches a burst of appends and updates into one payload, the update folded into its new item', () => {
    const { list, changes } = setup(3)
    list.addPending(mine('p1'))
    list.merge([message(4), message(5)])
    list.ack('p1', 6, T0)
    expect(setDataPatch(changes, list.messages, 'list')).toEqual({
      'list[3]': list.messages[3],
      'list[4]': list.messages[4],
      'list[5]': list.messages[5],
    })
  })

  it('rewrites from an insert index to the end', () => {
    const { list, changes } = setup(3)
    list.addPending(mine('p1'))
    list.addPending(mine('p2'))
    changes.length = 0
    list.merge([message(4)])
    expect(Object.keys(setDataPatch(changes, list.messages))).toEqual(['messages[3]', 'messages[4]', 'messages[5]'])
  })

  it('keeps an earlier status path below an insert and drops stale ones above it', () => {
    const { list, changes } = setup(3)
    list.merge([message(5, customer)])
    changes.length = 0
    list.setPeerReadSeq(5) // messages[3].status
    list.merge([message(4)]) // insert at 3 shifts it to 4
    const payload = setDataPatch(changes, list.messages)
    expect(payload).toEqual({ 'messages[3]': list.messages[3], 'messages[4]': list.messages[4] })
    expect(list.messages[4]!.status).toBe('read')
  })

  it('sets the whole list for a prepend or a reset', () => {
    const { list, changes } = setup(0)
    list.merge(messages(31, 40))
    changes.length = 0
    list.merge(messages(21, 30))
    expect(setDataPatch(changes, list.messages)).toEqual({ messages: list.messages.slice() })
    list.reset()
    expect(setDataPatch(changes.slice(-1), list.messages)).toEqual({ messages: [] })
  })

  it('gives an empty payload for no changes', () => {
    const { list } = setup(3)
    expect(setDataPatch([], list.messages)).toEqual({})
  })
})
