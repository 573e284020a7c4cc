/** Recall and rating in the chat layer: the list, the client's requests, pushes and the sync's `recalled` ids (fake socket, fake time). */
import { ConversationClient, MessageList, RECALL_WINDOW_MS, setDataPatch } from '../../../src/chat'
import type { ListChange } from '../../../src/chat'
import { SocketError } from '../../../src/errors'
import { agent, conversation, customer, message, messages, sender, T0 } from '../../helpers/chat-fixtures'
import { FakeChatSocket, flushPromises } from '../../helpers/fake-chat-socket'

beforeEach(() => {
  jest.useFakeTimers()
  jest.setSystemTime(T0)
})
afterEach(() => jest.useRealTimers())

async function loaded(page = messages(1, 3)) {
  const socket = new FakeChatSocket()
  const client = new ConversationClient({ socket, conversation: conversation(), user: customer, generateId: () => 'local-1' })
  void client.load()
  await flushPromises()
  socket.reply(socket.take('history'), { messages: page, hasMore: false })
  await flushPromises()
  const changes: ListChange[] = []
  client.on('change', (c) => changes.push(c))
  const errors: Error[] = []
  client.on('error', (e) => errors.push(e))
  return { socket, client, changes, errors }
}

describe('MessageList.recall', () => {
  it('keeps the message in its place without its content, as one update', () => {
    const list = new MessageList({ myId: customer.id })
    list.merge([message(1), message(2, customer, { kind: 'image', text: undefined, image: { url: '/uploads/x.png' } })])
    const changes: ListChange[] = []
    list.on('change', (c) => changes.push(c))
    const item = list.recall('m-2')
    expect(item).toMatchObject({ id: 'm-2', seq: 2, recalled: true, mine: true })
    expect(item).not.toHaveProperty('image')
    expect(changes).toEqual([{ type: 'update', index: 1, message: item, patch: { recalled: true } }])
    // Again, an unknown id, an unacked one: nothing.
    expect(list.recall('m-2')).toBeUndefined()
    expect(list.recall('nope')).toBeUndefined()
    list.addPending({ id: 'p', conversationId: 'conv_1', ts: T0, from: sender(customer), kind: 'text', text: 'x' })
    expect(list.recall('p')).toBeUndefined()
    expect(changes.filter((c) => c.type === 'update')).toHaveLength(1)
    // setData: the whole item at its path, so the view is rebuilt.
    expect(Object.keys(setDataPatch(changes.slice(0, 1), list.messages))).toEqual(['messages[1]'])
  })
})

describe('ConversationClient recall', () => {
  it('allows my stored messages within 2 minutes only', async () => {
    const { client, socket } = await loaded([message(1), message(2, customer, { ts: T0 })])
    expect(client.canRecall('m-1')).toBe(false) // the agent's
    expect(client.canRecall('m-2', T0 + RECALL_WINDOW_MS)).toBe(true)
    expect(client.canRecall('m-2', T0 + RECALL_WINDOW_MS + 1)).toBe(false)
    void client.sendText('还在发')
    expect(client.canRecall('local-1')).toBe(false) // not stored yet
    expect(socket.frames('recall')).toEqual([])
  })

  it('recalls on the reply, and resolves false with an error event when refused', async () => {
    const { client, socket, errors } = await loaded([message(1, customer, { ts: T0 }), message(2, customer, { ts: T0 })])
    const ok = client.recall('m-1')
    await flushPromises()
    expect(socket.take('recall').frame).toMatchObject({ type: 'recall', conversationId: 'conv_1', messageId: 'm-1' })
    expect(client.messages[0]!.recalled).toBeUndefined() // not before the server said so
    socket.reply(socket.take('recall'), { conversationId: 'conv_1', messageId: 'm-1', seq: 1 })
    await expect(ok).resolves.toBe(true)
    expect(client.messages[0]).toMatchObject({ recalled: true })

    const refused = client.recall('m-2')
    await flushPromises()
    socket.fail(socket.take('recall'), new SocketError('SERVER', 'too late', { serverCode: 'TOO_LATE' }))
    await expect(refused).resolves.toBe(false)
    expect(client.messages[1]).toMatchObject({ text: 'message 2' })
    expect(errors).toHaveLength(1)
  })

  it("applies the other side's recall push and the sync's recalled ids; ignores other conversations and junk", async () => {
    const { client, socket } = await loaded()
    socket.push({ type: 'recall', conversationId: 'conv_2', messageId: 'm-1', seq: 1, by: sender(agent) })
    socket.push({ type: 'recall', conversationId: 'conv_1', messageId: 42, seq: 1, by: sender(agent) })
    expect(client.messages.some((m) => m.recalled)).toBe(false)
    socket.push({ type: 'recall', conversationId: 'conv_1', messageId: 'm-1', seq: 1, by: sender(agent) })
    expect(client.messages[0]).toMatchObject({ id: 'm-1', recalled: true })

    // Away during a recall: the sync after the reconnect names it.
    socket.drop()
    socket.open()
    await flushPromises()
    socket.reply(socket.take('sync'), { messages: [message(4)], hasMore: false, recalled: ['m-2', 7] })
    await flushPromises()
    expect(client.messages.map((m) => m.recalled === true)).toEqual([true, true, false, false])
  })
})

describe('ConversationClient rate', () => {
  it('sends score and trimmed comment, takes the rated conversation from the reply', async () => {
    const { client, socket } = await loaded()
    client.applyConversation(conversation({ status: 'closed' }))
    const done = client.rate(5, '  很好  ')
    await flushPromises()
    expect(socket.take('rate').frame).toMatchObject({ type: 'rate', conversationId: 'conv_1', score: 5, comment: '很好' })
    socket.reply(socket.take('rate'), { conversation: conversation({ status: 'closed', rating: { score: 5, comment: '很好', ts: T0 } }) })
    await expect(done).resolves.toBe(true)
    expect(client.conversation.rating).toEqual({ score: 5, comment: '很好', ts: T0 })
  })

  it('refuses a bad score or a long comment before sending, and resolves false when the server refuses', async () => {
    const { client, socket, errors } = await loaded()
    await expect(client.rate(0)).rejects.toThrow('rate: score must be an integer from 1 to 5, got 0')
    await expect(client.rate(2.5)).rejects.toThrow('score')
    await expect(client.rate(3, '字'.repeat(201))).rejects.toThrow('rate: comment is longer than 200 characters')
    expect(socket.frames('rate')).toEqual([])
    const refused = client.rate(3)
    await flushPromises()
    expect(socket.take('rate').frame).not.toHaveProperty('comment')
    socket.fail(socket.take('rate'), new SocketError('SERVER', 'already rated', { serverCode: 'CONFLICT' }))
    await expect(refused).resolves.toBe(false)
    expect(errors).toHaveLength(1)
  })

  it("takes a rating push (the customer's other phone) into the conversation", async () => {
    const { client, socket } = await loaded()
    const seen: unknown[] = []
    client.on('conversation', ({ conversation: c }) => seen.push(c.rating))
    socket.push({ type: 'rating', conversationId: 'conv_1', rating: { score: 9, ts: T0 } }) // out of range: ignored
    socket.push({ type: 'rating', conversationId: 'conv_1', rating: { score: 4, ts: T0 } })
    expect(seen).toEqual([{ score: 4, ts: T0 }])
  })
})
