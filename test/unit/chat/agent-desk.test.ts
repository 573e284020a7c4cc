import { AgentDesk, ConversationClient } from '../../../src/chat'
import type { AgentPresence, Conversation, DeskConversation } from '../../../src/chat'
import { SocketError } from '../../../src/errors'
import { agent, conversation, customer, message, otherAgent, sender, T0 } from '../../helpers/chat-fixtures'
import { FakeChatSocket, flushPromises } from '../../helpers/fake-chat-socket'

const queued = (id: string, createdAt: number): Conversation => conversation({ id, status: 'queued', agent: null, createdAt })

function sessionReply(overrides: { conversations?: Conversation[]; queue?: Conversation[]; agents?: Array<Partial<AgentPresence>> } = {}) {
  return {
    user: agent,
    conversations: overrides.conversations ?? [],
    queue: overrides.queue ?? [],
    agents: overrides.agents ?? [{ id: agent.id, name: agent.name }],
  }
}

async function started(reply = sessionReply(), socket = new FakeChatSocket()) {
  const desk = new AgentDesk({ socket })
  const lists: Array<readonly DeskConversation[]> = []
  desk.on('conversations', (list) => lists.push(list))
  const user = desk.start()
  await flushPromises()
  socket.reply(socket.take('session'), reply)
  await user
  return { desk, socket, lists }
}

describe('AgentDesk', () => {
  describe('constructor', () => {
    it('sets defaults: no user, empty queue, no conversations, no agents', () => {
      const desk = new AgentDesk({ socket: new FakeChatSocket() })
      expect(desk.user).toBeNull()
      expect(desk.queue).toEqual([])
      expect(desk.conversations).toEqual([])
      expect(desk.agents).toEqual([])
      expect(desk.unreadTotal).toBe(0)
    })
  })

  describe('start', () => {
    it('fills the queue (oldest first), my conversations and the online agents from session', async () => {
      const mine = conversation({ lastSeq: 3, agentReadSeq: 1, lastMessage: message(3, customer) })
      const { desk } = await started(
        sessionReply({
          conversations: [mine],
          queue: [queued('q2', T0 + 2), queued('q1', T0 + 1)],
          agents: [
            { id: 'a_1', name: '小美' },
            { id: 'a_2', name: '小王' },
          ],
        }),
      )
      expect(desk.user).toEqual(agent)
      expect(desk.queue.map((c) => c.id)).toEqual(['q1', 'q2'])
      expect(desk.conversations).toEqual([
        {
          conversation: mine,
          unread: 2,
          lastMessage: mine.lastMessage,
          lastChatMessage: mine.lastMessage,
          lastTs: message(3).ts,
          preview: 'message 3',
        },
      ])
      expect(desk.agents).toEqual([
        { id: 'a_1', name: '小美', online: true },
        { id: 'a_2', name: '小王', online: true },
      ])
    })

    it('counts nothing unread when my own message is the last one', async () => {
      const { desk } = await started(sessionReply({ conversations: [conversation({ lastSeq: 3, lastMessage: message(3, agent) })] }))
      expect(desk.conversations[0]!.unread).toBe(0)
    })

    it("counts the customer's messages and previews the last of them when system notices follow (the server's count)", async () => {
      const notice = message(3, agent, { kind: 'system', from: { id: 'system', role: 'system', name: '系统' }, text: '客服 小美 为您服务' })
      const question = message(2, customer, { text: '我的订单还没到' })
      const snapshot = conversation({ status: 'assigned', lastSeq: 3, lastMessage: notice, lastChatMessage: question, agentUnread: 2 })
      const { desk, socket } = await started(sessionReply({ conversations: [snapshot] }))
      expect(desk.conversations[0]).toMatchObject({ unread: 2, preview: '我的订单还没到', lastChatMessage: question })
      // Another notice (a transfer, say) changes neither; a new question counts.
      socket.push({ type: 'message', message: message(4, agent, { kind: 'system', from: notice.from, text: '…' }) })
      expect(desk.conversations[0]).toMatchObject({ unread: 2, preview: '我的订单还没到' })
      socket.push({ type: 'message', message: message(5, customer, { text: '还在吗' }) })
      expect(desk.conversations[0]).toMatchObject({ unread: 3, preview: '还在吗' })
    })

    it("counts queued conversations' customer messages as they arrive", async () => {
      const { desk, socket } = await started(sessionReply({ queue: [{ ...queued('q1', T0), agentUnread: 1 }] }))
      socket.push({ type: 'message', message: message(2, customer, { conversationId: 'q1', text: '有人吗' }) })
      expect(desk.queue[0]).toMatchObject({ agentUnread: 2, lastChatMessage: { text: '有人吗' } })
    })

    it("rejects a session that is not an agent's", async () => {
      const socket = new FakeChatSocket()
      const desk = new AgentDesk({ socket })
      const user = desk.start()
      await flushPromises()
      socket.reply(socket.take('session'), { user: customer, conversations: [] })
      await expect(user).rejects.toThrow(/agent/)
    })
  })

  describe('pushes', () => {
    it('adds a queued conversation to the queue and removes it when another agent accepts it', async () => {
      const { desk, socket } = await started()
      const queues: string[][] = []
      desk.on('queue', (q) => queues.push(q.map((c) => c.id)))
      socket.push({ type: 'conversation', event: 'queued', conversation: queued('q1', T0) })
      socket.push({
        type: 'conversation',
        event: 'accepted',
        conversation: conversation({ id: 'q1', status: 'open', agent: { id: otherAgent.id, name: otherAgent.name } }),
      })
      expect(queues).toEqual([['q1'], []])
      expect(desk.conversations).toEqual([])
    })

    it('moves a conversation assigned to me into my list', async () => {
      const { desk, socket } = await started(sessionReply({ queue: [queued('q1', T0)] }))
      socket.push({ type: 'conversation', event: 'assigned', conversation: conversation({ id: 'q1', status: 'assigned' }) })
      expect(desk.queue).toEqual([])
      expect(desk.conversations.map((e) => [e.conversation.id, e.conversation.status])).toEqual([['q1', 'assigned']])
    })

    it('counts customer messages as unread, updates the preview and announces them', async () => {
      const { desk, socket } = await started(sessionReply({ conversations: [conversation()] }))
      const incoming: number[] = []
      desk.on('incoming', (m) => incoming.push(m.seq))
      socket.push({ type: 'message', message: message(1, customer, { text: '在吗' }) })
      socket.push({ type: 'message', message: message(2, customer, { kind: 'image', text: undefined, image: { url: '/uploads/x.png' } }) })
      socket.push({ type: 'message', message: message(2, customer) }) // twice: counted once
      expect(desk.conversations[0]).toMatchObject({ unread: 2, preview: '[图片]', lastTs: message(2).ts })
      expect(desk.unreadTotal).toBe(2)
      expect(incoming).toEqual([1, 2])
    })

    it('orders my conversations by latest activity', async () => {
      const { desk, socket } = await started(
        sessionReply({ conversations: [conversation({ id: 'a' }), conversation({ id: 'b', createdAt: T0 + 1 })] }),
      )
      expect(desk.conversations.map((e) => e.conversation.id)).toEqual(['b', 'a'])
      socket.push({ type: 'message', message: message(1, customer, { conversationId: 'a' }) })
      expect(desk.conversations.map((e) => e.conversation.id)).toEqual(['a', 'b'])
    })

    it('clears unread when I read on another device', async () => {
      const { desk, socket } = await started(sessionReply({ conversations: [conversation()] }))
      socket.push({ type: 'message', message: message(1, customer) })
      socket.push({ type: 'read', conversationId: 'conv_1', seq: 1, by: sender(agent) })
      expect(desk.conversations[0]!.unread).toBe(0)
    })

    it('keeps the online agents from presence pushes', async () => {
      const { desk, socket } = await started()
      socket.push({ type: 'presence', agent: { id: 'a_2', name: '小王', online: true } })
      expect(desk.agents.map((a) => a.id)).toEqual(['a_1', 'a_2'])
      socket.push({ type: 'presence', agent: { id: 'a_2', name: '小王', online: false } })
      expect(desk.agents.map((a) => a.id)).toEqual(['a_1'])
    })
  })

  describe('actions', () => {
    it('accept moves the conversation from the queue to my list', async () => {
      const { desk, socket } = await started(sessionReply({ queue: [queued('q1', T0)] }))
      const accepted = desk.accept('q1')
      expect(socket.take('accept').frame).toMatchObject({ type: 'accept', conversationId: 'q1' })
      socket.reply(socket.take('accept'), { conversation: conversation({ id: 'q1', status: 'open' }) })
      await expect(accepted).resolves.toMatchObject({ id: 'q1', status: 'open' })
      expect(desk.queue).toEqual([])
      expect(desk.conversations.map((e) => e.conversation.id)).toEqual(['q1'])
    })

    it('accept rejects with the server code when another agent was faster', async () => {
      const { desk, socket } = await started(sessionReply({ queue: [queued('q1', T0)] }))
      const accepted = desk.accept('q1')
      socket.fail(socket.take('accept'), new SocketError('SERVER', 'taken', { serverCode: 'CONFLICT' }))
      await expect(accepted).rejects.toMatchObject({ code: 'SERVER', serverCode: 'CONFLICT' })
    })

    it('transfer hands the conversation over and releases its client', async () => {
      const { desk, socket } = await started(sessionReply({ conversations: [conversation()] }))
      const client = desk.client('conv_1')
      const released: string[] = []
      desk.on('released', (id) => released.push(id))
      const done = desk.transfer('conv_1', 'a_2')
      expect(socket.take('transfer').frame).toMatchObject({ conversationId: 'conv_1', toAgentId: 'a_2' })
      socket.reply(socket.take('transfer'), { conversation: conversation({ agent: { id: 'a_2', name: '小王' } }) })
      await done
      expect(desk.conversations).toEqual([])
      expect(released).toEqual(['conv_1'])
      expect(() => client.sendText('x')).toThrow(/dispose/)
    })

    it('close removes the conversation from my list and keeps its client for viewing', async () => {
      const { desk, socket } = await started(sessionReply({ conversations: [conversation()] }))
      const client = desk.client('conv_1')
      const done = desk.close('conv_1')
      socket.reply(socket.take('close'), { conversation: conversation({ status: 'closed' }) })
      await done
      expect(desk.conversations).toEqual([])
      expect(desk.client('conv_1')).toBe(client)
    })
  })

  describe('client', () => {
    it('creates one loading client per conversation and reuses it', async () => {
      const { desk, socket } = await started(sessionReply({ conversations: [conversation()] }))
      const client = desk.client('conv_1')
      expect(desk.client('conv_1')).toBe(client)
      await flushPromises()
      expect(socket.frames('history')).toHaveLength(1)
    })

    it('routes each pushed frame once, by conversation id, to the one client it belongs to', async () => {
      const other = conversation({ id: 'conv_2' })
      const { desk, socket } = await started(sessionReply({ conversations: [conversation(), other] }))
      const listenersBefore = socket.listenerCount('message')
      const one = desk.client('conv_1')
      const two = desk.client('conv_2')
      // The desk listens to the socket's messages; its clients do not add listeners of their own.
      expect(socket.listenerCount('message')).toBe(listenersBefore)
      const handled = jest.spyOn(ConversationClient.prototype, 'handleFrame')
      try {
        socket.push({ type: 'message', message: message(1, customer, { conversationId: 'conv_2' }) })
        socket.push({ type: 'typing', conversationId: 'conv_1', from: sender(customer) })
        socket.push({ type: 'presence', agent: { id: otherAgent.id, name: otherAgent.name, online: true } })
        expect(handled.mock.contexts).toEqual([two, one])
        expect(two.messages.map((m) => m.seq)).toEqual([1])
        expect(one.messages).toEqual([])
      } finally {
        handled.mockRestore()
        desk.dispose() // the typing indicator's timer
      }
    })

    it('throws a RangeError for a conversation that is neither mine nor queued', async () => {
      const { desk } = await started()
      expect(() => desk.client('nope')).toThrow(RangeError)
    })

    it('clears unread when I mark the conversation read, and previews my own replies', async () => {
      const { desk, socket } = await started(sessionReply({ conversations: [conversation()] }))
      const client = desk.client('conv_1')
      await flushPromises()
      socket.reply(socket.take('history'), { messages: [], hasMore: false })
      socket.push({ type: 'message', message: message(1, customer) })
      expect(desk.conversations[0]!.unread).toBe(1)
      void client.markRead()
      expect(desk.conversations[0]!.unread).toBe(0)
      void client.sendText('您好，请讲')
      socket.ack(socket.take('message'), { seq: 2, ts: T0 + 99 })
      await flushPromises()
      expect(desk.conversations[0]).toMatchObject({ unread: 0, preview: '您好，请讲', lastTs: T0 + 99 })
    })
  })

  describe('reconnect', () => {
    it('re-fetches session, replaces the lists and releases clients of conversations no longer mine', async () => {
      const { desk, socket } = await started(sessionReply({ conversations: [conversation({ id: 'a' }), conversation({ id: 'b' })] }))
      desk.client('a')
      const b = desk.client('b')
      socket.drop()
      socket.open()
      await flushPromises()
      socket.reply(
        socket.take('session'),
        sessionReply({
          conversations: [
            conversation({ id: 'b', status: 'open', lastSeq: 1, lastMessage: message(1, customer, { conversationId: 'b' }) }),
          ],
          queue: [queued('q9', T0)],
        }),
      )
      await flushPromises()
      expect(desk.conversations.map((e) => [e.conversation.id, e.unread])).toEqual([['b', 1]])
      expect(desk.queue.map((c) => c.id)).toEqual(['q9'])
      expect(() => desk.client('a')).toThrow(RangeError)
      expect(desk.client('b')).toBe(b)
    })
  })

  describe('dispose', () => {
    it("removes every socket listener, its clients' included", async () => {
      const { desk, socket } = await started(sessionReply({ conversations: [conversation({ id: 'a' }), conversation({ id: 'b' })] }))
      desk.client('a')
      desk.client('b')
      desk.dispose()
      expect(socket.listenerCount()).toBe(0)
    })
  })
})
