import { CustomerSession } from '../../../src/chat'
import type { Conversation, ConversationClient } from '../../../src/chat'
import { SocketError } from '../../../src/errors'
import { agent, conversation, customer, messages } from '../../helpers/chat-fixtures'
import { FakeChatSocket, flushPromises } from '../../helpers/fake-chat-socket'

function setup(socket = new FakeChatSocket()) {
  const session = new CustomerSession({ socket, generateId: () => 'local-1' })
  const statuses: string[] = []
  session.on('conversation', () => statuses.push(session.status))
  return { socket, session, statuses }
}

/** A started session; `existing` is the customer's conversation in the session reply, if any. */
async function started(existing: Conversation | null = null) {
  const ctx = setup()
  const user = ctx.session.start()
  await flushPromises()
  ctx.socket.reply(ctx.socket.take('session'), { user: customer, conversations: existing === null ? [] : [existing] })
  await user
  await flushPromises()
  return ctx
}

describe('CustomerSession', () => {
  describe('constructor', () => {
    it('sets defaults: no user, no conversation, status none', () => {
      const { session } = setup()
      expect(session.user).toBeNull()
      expect(session.conversation).toBeNull()
      expect(session.client).toBeNull()
      expect(session.status).toBe('none')
    })

    it('throws a TypeError without a socket', () => {
      expect(() => new CustomerSession({} as { socket: FakeChatSocket })).toThrow(TypeError)
    })
  })

  describe('cached', () => {
    it('shows the cached conversation at once, before the session reply, and lets the reply replace it', async () => {
      const socket = new FakeChatSocket('reconnecting')
      const session = new CustomerSession({ socket, cached: { user: customer, conversation: conversation({ status: 'open' }) } })
      expect(session.user).toEqual(customer)
      expect(session.status).toBe('open')
      expect(session.client?.id).toBe('conv_1')
      expect(session.snapshot).toEqual({ user: customer, conversation: conversation({ status: 'open' }) })
      const user = session.start()
      await flushPromises()
      // Closed while the app was away: the session holds no conversation that is not closed.
      socket.reply(socket.take('session'), { user: customer, conversations: [] })
      await user
      expect(session.status).toBe('closed')
      expect(session.client?.id).toBe('conv_1')
    })

    it('ignores a cache that is not a customer’s, or whose conversation is someone else’s', () => {
      const socket = new FakeChatSocket()
      for (const cached of [
        null,
        'x',
        { user: agent, conversation: null },
        { user: customer, conversation: conversation({ customer: { id: 'c_9', name: 'x' } }) },
      ]) {
        const session = new CustomerSession({ socket, cached })
        expect(session.user).toBeNull()
        expect(session.client).toBeNull()
        session.dispose()
      }
    })
  })

  describe('start', () => {
    it('asks session and resolves with me; no conversation yet means status none', async () => {
      const { session } = await started()
      expect(session.user).toEqual(customer)
      expect(session.status).toBe('none')
      expect(session.client).toBeNull()
    })

    it('picks up my open conversation and starts loading its history', async () => {
      const { session, socket } = await started(conversation({ status: 'assigned' }))
      expect(session.status).toBe('assigned')
      expect(session.client?.id).toBe('conv_1')
      expect(socket.take('history').frame).toMatchObject({ conversationId: 'conv_1', beforeSeq: 0 })
    })

    it('rejects when the reply is not a customer session', async () => {
      const { session, socket } = setup()
      const user = session.start()
      await flushPromises()
      socket.reply(socket.take('session'), { user: agent, conversations: [] })
      await expect(user).rejects.toThrow(/customer/)
    })
  })

  describe('open', () => {
    it('gets or creates my conversation and returns its client', async () => {
      const { session, socket, statuses } = await started()
      const opened = session.open()
      await flushPromises()
      expect(socket.take('open').frame).toMatchObject({ type: 'open' })
      socket.reply(socket.take('open'), { conversation: conversation({ status: 'queued', agent: null }) })
      const client = await opened
      expect(client).toBe(session.client)
      expect(client.id).toBe('conv_1')
      expect(statuses).toEqual(['queued'])
    })

    it('returns the client it holds while the conversation is not closed, without asking', async () => {
      const { session, socket } = await started(conversation())
      await expect(session.open()).resolves.toBe(session.client)
      expect(socket.frames('open')).toEqual([])
    })

    it('starts a new conversation with a new client after the old one closed', async () => {
      const { session, socket } = await started(conversation())
      const old = session.client!
      const clients: Array<ConversationClient | null> = []
      session.on('client', (c) => clients.push(c))
      socket.push({ type: 'conversation', event: 'closed', conversation: conversation({ status: 'closed' }) })
      expect(session.status).toBe('closed')
      expect(session.client).toBe(old) // still there, to show the closed conversation
      const opened = session.open()
      await flushPromises()
      socket.reply(socket.take('open'), { conversation: conversation({ id: 'conv_2', status: 'queued', agent: null }) })
      const fresh = await opened
      expect(fresh).not.toBe(old)
      expect(fresh.id).toBe('conv_2')
      expect(clients).toEqual([fresh])
      expect(() => old.sendText('x')).toThrow(/dispose/)
    })

    it('shares one request between overlapping calls and rejects with the request error', async () => {
      const { session, socket } = await started()
      const a = session.open()
      const b = session.open()
      await flushPromises()
      expect(socket.pending('open')).toHaveLength(1)
      socket.fail(socket.take('open'), new SocketError('SERVER', 'too many', { serverCode: 'RATE_LIMITED' }))
      await expect(a).rejects.toMatchObject({ serverCode: 'RATE_LIMITED' })
      await expect(b).rejects.toMatchObject({ serverCode: 'RATE_LIMITED' })
    })
  })

  describe('conversation status', () => {
    it('follows the conversation pushes from queued to assigned to open', async () => {
      const { session, socket, statuses } = await started(conversation({ status: 'queued', agent: null }))
      socket.push({ type: 'conversation', event: 'assigned', conversation: conversation({ status: 'assigned' }) })
      socket.push({ type: 'conversation', event: 'accepted', conversation: conversation({ status: 'open' }) })
      expect(statuses).toEqual(['queued', 'assigned', 'open'])
      expect(session.client?.conversation.status).toBe('open')
    })

    it("ignores pushes about other customers' conversations", async () => {
      const { session, socket } = await started(conversation())
      socket.push({
        type: 'conversation',
        event: 'closed',
        conversation: conversation({ id: 'x', status: 'closed', customer: { id: 'c_9', name: '' } }),
      })
      expect(session.status).toBe('open')
    })
  })

  describe('reconnect', () => {
    it('re-fetches session after every reconnect, not on the first open that carries start()', async () => {
      const socket = new FakeChatSocket('connecting')
      const { session } = setup(socket)
      void session.start()
      socket.open()
      await flushPromises()
      expect(socket.frames('session')).toHaveLength(1)
      socket.reply(socket.take('session'), { user: customer, conversations: [conversation()] })
      await flushPromises()
      socket.drop()
      socket.open()
      await flushPromises()
      expect(socket.frames('session')).toHaveLength(2)
    })

    it('shows my conversation closed when it was closed while I was away', async () => {
      const { session, socket } = await started(conversation())
      socket.reply(socket.take('history'), { messages: messages(1, 2), hasMore: false })
      socket.drop()
      socket.open()
      await flushPromises()
      socket.reply(socket.take('session'), { user: customer, conversations: [] })
      await flushPromises()
      expect(session.status).toBe('closed')
      expect(session.client?.conversation.status).toBe('closed')
    })

    it('reports a failed re-fetch as an error', async () => {
      const { session, socket } = await started()
      const errors: Error[] = []
      session.on('error', (e) => errors.push(e))
      socket.drop()
      socket.open()
      await flushPromises()
      socket.fail(socket.take('session'), new SocketError('TIMEOUT', 'no reply'))
      await flushPromises()
      expect(errors).toEqual([expect.objectContaining({ code: 'TIMEOUT' })])
    })
  })

  describe('close', () => {
    it('closes my conversation', async () => {
      const { session, socket } = await started(conversation())
      const closed = session.close()
      await flushPromises()
      expect(socket.take('close').frame).toMatchObject({ conversationId: 'conv_1' })
      socket.reply(socket.take('close'), { conversation: conversation({ status: 'closed' }) })
      await expect(closed).resolves.toMatchObject({ status: 'closed' })
      expect(session.status).toBe('closed')
    })

    it('rejects without a conversation', async () => {
      const { session } = await started()
      await expect(session.close()).rejects.toThrow(RangeError)
    })
  })

  describe('dispose', () => {
    it("removes every socket listener, its client's included", async () => {
      const socket = new FakeChatSocket()
      const { session } = setup(socket)
      void session.start()
      await flushPromises()
      socket.reply(socket.take('session'), { user: customer, conversations: [conversation()] })
      await flushPromises()
      expect(session.client).not.toBeNull()
      session.dispose()
      expect(socket.listenerCount()).toBe(0)
      expect(() => session.open()).toThrow(/dispose/)
    })
  })
})
