import { ConversationClient } from '../../../src/chat'
import type { ConversationClientOptions, ConversationClientState, ListChange, ListMessage, Sender } from '../../../src/chat'
import { SocketError } from '../../../src/errors'
import type { AckFrame, Frame } from '../../../src/types'
import { agent, conversation, customer, message, messages, sender, T0 } from '../../helpers/chat-fixtures'
import { FakeChatSocket, flushPromises } from '../../helpers/fake-chat-socket'

type Overrides = Partial<Omit<ConversationClientOptions, 'socket'>>

function setup(overrides: Overrides = {}, socket = new FakeChatSocket()) {
  let n = 0
  const client = new ConversationClient({
    socket,
    conversation: conversation(),
    user: customer,
    generateId: () => `local-${++n}`,
    ...overrides,
  })
  const changes: ListChange[] = []
  client.on('change', (change) => changes.push(change))
  return { socket, client, changes }
}

/** A client whose newest history page (`page`) has arrived. */
async function loaded(page = messages(1, 3), hasMore = false, overrides: Overrides = {}) {
  const ctx = setup(overrides)
  void ctx.client.load()
  await flushPromises()
  ctx.socket.reply(ctx.socket.take('history'), { messages: page, hasMore })
  await flushPromises()
  ctx.changes.length = 0
  return ctx
}

const seqs = (client: ConversationClient): Array<number | null> => client.messages.map((m) => m.seq)

beforeEach(() => {
  jest.useFakeTimers()
  jest.setSystemTime(T0)
})

afterEach(() => {
  jest.useRealTimers()
})

describe('ConversationClient', () => {
  describe('constructor', () => {
    it('sets defaults: nothing loaded, nobody typing, read seqs from the conversation', () => {
      const { client } = setup({ conversation: conversation({ customerReadSeq: 4, agentReadSeq: 2 }) })
      expect(client.id).toBe('conv_1')
      expect(client.messages).toEqual([])
      expect(client.state).toEqual({ loaded: false, loadingOlder: false, hasMore: false, syncing: false })
      expect(client.peerTyping).toBeNull()
      expect(client.readSeq).toBe(4)
      expect(client.peerReadSeq).toBe(2)
    })

    it('types its events by the event map', () => {
      const { client } = setup()
      client.on('typing', (who: Sender | null) => who)
      // @ts-expect-error the typing event carries a Sender or null
      client.on('typing', (who: number) => who)
      // @ts-expect-error no such event
      client.on('nope', () => undefined)
    })

    it('throws a TypeError without a socket and a RangeError for a bad page size', () => {
      expect(() => new ConversationClient({ conversation: conversation(), user: customer } as ConversationClientOptions)).toThrow(TypeError)
      expect(() => setup({ historyPageSize: 0 })).toThrow(/historyPageSize/)
      expect(() => setup({ syncPageSize: 1.5 })).toThrow(RangeError)
    })
  })

  describe('load', () => {
    it('asks for the newest history page', async () => {
      const { client, socket } = setup({ historyPageSize: 20 })
      void client.load()
      await flushPromises()
      expect(socket.take('history').frame).toMatchObject({ type: 'history', conversationId: 'conv_1', beforeSeq: 0, limit: 20 })
    })

    it('shows the page and remembers whether older pages exist', async () => {
      const { client } = await loaded(messages(11, 40), true)
      expect(seqs(client)).toHaveLength(30)
      expect(client.state).toMatchObject({ loaded: true, hasMore: true })
    })

    it('shares one request between calls and the first open', async () => {
      const socket = new FakeChatSocket('connecting')
      const { client } = setup({}, socket)
      void client.load()
      void client.load()
      socket.open()
      await flushPromises()
      expect(socket.frames('history')).toHaveLength(1)
      expect(socket.frames('sync')).toHaveLength(0)
    })

    it('loads on the first open when nobody asked before', async () => {
      const socket = new FakeChatSocket('connecting')
      setup({}, socket)
      socket.open()
      await flushPromises()
      expect(socket.frames('history')).toHaveLength(1)
    })

    it('reports a failed load as an error and loads again on the next open', async () => {
      const { client, socket } = setup()
      const errors: Error[] = []
      client.on('error', (e) => errors.push(e))
      void client.load()
      await flushPromises()
      socket.fail(socket.take('history'), new SocketError('TIMEOUT', 'no reply'))
      await flushPromises()
      expect(errors).toEqual([expect.objectContaining({ code: 'TIMEOUT' })])
      expect(client.state.loaded).toBe(false)
      socket.drop()
      socket.open()
      await flushPromises()
      expect(socket.pending('history')).toHaveLength(1)
      expect(socket.frames('sync')).toHaveLength(0)
    })
  })

  describe('loadOlder', () => {
    it('asks for the page before the oldest seq held and announces it as a prepend', async () => {
      const { client, socket, changes } = await loaded(messages(31, 60), true)
      const done = client.loadOlder()
      await flushPromises()
      expect(socket.take('history').frame).toMatchObject({ beforeSeq: 31, limit: 30 })
      socket.reply(socket.take('history'), { messages: messages(1, 30), hasMore: false })
      await expect(done).resolves.toBe(false)
      expect(seqs(client)).toEqual(messages(1, 60).map((m) => m.seq))
      expect(changes).toEqual([expect.objectContaining({ type: 'prepend', count: 30 })])
    })

    it('shows loadingOlder while the request is out', async () => {
      const { client, socket } = await loaded(messages(31, 60), true)
      const states: ConversationClientState[] = []
      client.on('state', (s) => states.push(s))
      void client.loadOlder()
      expect(client.state.loadingOlder).toBe(true)
      await flushPromises()
      socket.reply(socket.take('history'), { messages: messages(1, 30), hasMore: true })
      await flushPromises()
      expect(states.map((s) => s.loadingOlder)).toEqual([true, false])
      expect(client.state.hasMore).toBe(true)
    })

    it('shares one request between overlapping calls', async () => {
      const { client, socket } = await loaded(messages(31, 60), true)
      void client.loadOlder()
      void client.loadOlder()
      await flushPromises()
      expect(socket.pending('history')).toHaveLength(1)
    })

    it('asks nothing when the server said there is no more', async () => {
      const { client, socket } = await loaded(messages(1, 3), false)
      await expect(client.loadOlder()).resolves.toBe(false)
      expect(socket.frames('history')).toHaveLength(1)
    })
  })

  describe('sync after reconnect', () => {
    it('asks for messages after the highest contiguous seq held on every open after the first', async () => {
      const { client, socket } = await loaded(messages(1, 5))
      void client.sendText('offline') // unacked: no seq, does not count
      socket.drop()
      socket.open()
      await flushPromises()
      expect(socket.take('sync').frame).toMatchObject({ type: 'sync', conversationId: 'conv_1', afterSeq: 5, limit: 100 })
    })

    it('asks after the last seq before a gap, not the newest', async () => {
      const { socket } = await loaded([message(1), message(2), message(3)])
      socket.drop()
      socket.push({ type: 'message', message: message(7) }) // arrived on the new link before the sync reply
      socket.open()
      await flushPromises()
      expect(socket.take('sync').frame).toMatchObject({ afterSeq: 3 })
    })

    it('pages while hasMore, each page after the new contiguous seq', async () => {
      const { client, socket } = await loaded(messages(1, 3), false, { syncPageSize: 2 })
      socket.drop()
      socket.open()
      await flushPromises()
      socket.reply(socket.take('sync'), { messages: messages(4, 5), hasMore: true })
      await flushPromises()
      expect(socket.take('sync').frame).toMatchObject({ afterSeq: 5, limit: 2 })
      socket.reply(socket.take('sync'), { messages: messages(6, 6), hasMore: false })
      await flushPromises()
      expect(socket.pending()).toEqual([])
      expect(seqs(client)).toEqual([1, 2, 3, 4, 5, 6])
      expect(client.state.syncing).toBe(false)
    })

    it('shows a message that came by push and by sync once, and announces it once', async () => {
      const { client, socket } = await loaded(messages(1, 3))
      const incoming: ListMessage[] = []
      client.on('incoming', (m) => incoming.push(m))
      socket.drop()
      socket.open()
      socket.push({ type: 'message', message: message(4) })
      await flushPromises()
      socket.reply(socket.take('sync'), { messages: messages(4, 5), hasMore: false })
      await flushPromises()
      expect(seqs(client)).toEqual([1, 2, 3, 4, 5])
      expect(incoming.map((m) => m.seq)).toEqual([4, 5])
    })

    it('runs once more after the sync in flight when asked again meanwhile', async () => {
      const { client, socket } = await loaded(messages(1, 3))
      socket.drop()
      socket.open()
      await flushPromises()
      socket.drop()
      socket.open()
      await flushPromises()
      expect(socket.pending('sync')).toHaveLength(1)
      socket.reply(socket.take('sync'), { messages: messages(4, 4), hasMore: false })
      await flushPromises()
      expect(socket.take('sync').frame).toMatchObject({ afterSeq: 4 })
      socket.reply(socket.take('sync'), { messages: [], hasMore: false })
      await flushPromises()
      expect(socket.pending()).toEqual([])
      expect(client.state.syncing).toBe(false)
    })

    it('syncs when a pushed message leaves a gap', async () => {
      const { socket } = await loaded(messages(1, 3))
      socket.push({ type: 'message', message: message(4) })
      await flushPromises()
      expect(socket.pending('sync')).toEqual([])
      socket.push({ type: 'message', message: message(6) })
      await flushPromises()
      expect(socket.take('sync').frame).toMatchObject({ afterSeq: 4 })
    })

    it('acks my unacked message when the sync brings it (its ack was lost with the link)', async () => {
      const { client, socket } = await loaded(messages(1, 3))
      void client.sendText('hi')
      socket.drop()
      socket.open()
      await flushPromises()
      socket.reply(socket.take('sync'), { messages: [message(4, customer, { id: 'local-1', text: 'hi' })], hasMore: false })
      await flushPromises()
      expect(client.messages).toHaveLength(4)
      expect(client.messages[3]).toMatchObject({ id: 'local-1', seq: 4, status: 'sent' })
      socket.ack(socket.take('message'), { seq: 4, ts: T0 }) // the resend's ack
      await flushPromises()
      expect(client.messages).toHaveLength(4)
    })
  })

  describe('sendText', () => {
    it("shows my message at once as sending, after every seq'd message, as one append", async () => {
      const { client, changes } = await loaded(messages(1, 3))
      void client.sendText('你好')
      expect(client.messages[3]).toMatchObject({ id: 'local-1', seq: null, status: 'sending', mine: true, text: '你好', ts: T0 })
      expect(changes).toEqual([{ type: 'append', index: 3, messages: [client.messages[3]] }])
    })

    it('sends a message frame with the local id', async () => {
      const { client, socket } = await loaded()
      void client.sendText('你好')
      expect(socket.take('message')).toMatchObject({
        kind: 'send',
        frame: { type: 'message', id: 'local-1', conversationId: 'conv_1', kind: 'text', text: '你好' },
      })
    })

    it('becomes sent with the server seq and ts on ack, as one update', async () => {
      const { client, socket, changes } = await loaded(messages(1, 3))
      const sent: ListMessage[] = []
      client.on('sent', (m) => sent.push(m))
      const done = client.sendText('你好')
      changes.length = 0
      socket.ack(socket.take('message'), { seq: 4, ts: T0 + 5, conversationId: 'conv_1' })
      await expect(done).resolves.toMatchObject({ id: 'local-1', seq: 4, ts: T0 + 5, status: 'sent' })
      expect(changes).toEqual([{ type: 'update', index: 3, message: client.messages[3], patch: { seq: 4, ts: T0 + 5, status: 'sent' } }])
      expect(sent).toEqual([client.messages[3]])
    })

    it('becomes failed when the send rejects, and reports the error', async () => {
      const { client, socket } = await loaded()
      const errors: Error[] = []
      client.on('error', (e) => errors.push(e))
      const done = client.sendText('你好')
      socket.fail(socket.take('message'), new SocketError('SERVER', 'closed', { serverCode: 'CLOSED' }))
      await expect(done).resolves.toMatchObject({ status: 'failed', seq: null })
      expect(errors).toEqual([expect.objectContaining({ code: 'SERVER', serverCode: 'CLOSED' })])
    })

    it('stays sending and goes again with the same id when the server says RATE_LIMITED, failing only after the retries', async () => {
      const { client, socket } = await loaded()
      const errors: Error[] = []
      client.on('error', (e) => errors.push(e))
      const done = client.sendText('burst')
      const limited = () => new SocketError('SERVER', 'slow down', { serverCode: 'RATE_LIMITED' })
      socket.fail(socket.take('message'), limited())
      await flushPromises()
      expect(client.messages[3]?.status).toBe('sending')
      expect(socket.pending('message')).toHaveLength(0)
      jest.advanceTimersByTime(1000)
      await flushPromises()
      const again = socket.take('message')
      expect(again.frame.id).toBe('local-1')
      socket.ack(again, { seq: 4, ts: T0 + 9 })
      await expect(done).resolves.toMatchObject({ id: 'local-1', status: 'sent', seq: 4 })
      expect(errors).toEqual([])

      const doomed = client.sendText('never fits')
      for (const wait of [0, 1000, 2000, 4000, 8000, 16000]) {
        jest.advanceTimersByTime(wait)
        await flushPromises()
        socket.fail(socket.take('message'), limited())
        await flushPromises()
      }
      await expect(doomed).resolves.toMatchObject({ status: 'failed' })
      expect(errors).toHaveLength(1)
    })

    it('ends a rate-limit wait on dispose, leaving no timer', async () => {
      const { client, socket } = await loaded()
      const done = client.sendText('burst')
      socket.fail(socket.take('message'), new SocketError('SERVER', 'slow down', { serverCode: 'RATE_LIMITED' }))
      await flushPromises()
      client.dispose()
      await expect(done).resolves.toMatchObject({ id: 'local-1' })
      expect(jest.getTimerCount()).toBe(0)
    })

    it('keeps my unacked messages in send order after incoming ones', async () => {
      const { client, socket } = await loaded(messages(1, 1))
      void client.sendText('one')
      void client.sendText('two')
      socket.push({ type: 'message', message: message(2) })
      expect(client.messages.map((m) => m.text)).toEqual(['message 1', 'message 2', 'one', 'two'])
    })

    it('throws at once for empty or too long text', async () => {
      const { client } = await loaded()
      expect(() => client.sendText('  ')).toThrow(RangeError)
      expect(() => client.sendText('长'.repeat(2001))).toThrow(/2000/)
      expect(client.messages).toHaveLength(3)
    })

    it('counts characters as the server does: 2000 emoji (4000 UTF-16 units) are not too long', async () => {
      const { client } = await loaded()
      void client.sendText('👍'.repeat(2000))
      expect(client.messages).toHaveLength(4)
      expect(() => client.sendText('👍'.repeat(2001))).toThrow(/2000/)
    })

    it('takes ids from the socket when it makes them', async () => {
      const socket = Object.assign(new FakeChatSocket(), { nextId: () => 'sock-1' })
      const client = new ConversationClient({ socket, conversation: conversation(), user: customer })
      void client.sendText('x')
      expect(client.messages[0]!.id).toBe('sock-1')
    })
  })

  describe('sendImage', () => {
    it('sends an image message with the uploaded url', async () => {
      const { client, socket } = await loaded()
      void client.sendImage({ url: '/uploads/a.png', width: 10, height: 20 })
      expect(socket.take('message').frame).toMatchObject({ kind: 'image', image: { url: '/uploads/a.png', width: 10, height: 20 } })
      expect(client.messages[3]).toMatchObject({ kind: 'image', status: 'sending' })
      expect(() => client.sendImage({ url: '' })).toThrow(TypeError)
    })
  })

  describe('resend', () => {
    it('sends a failed message again with the same id and marks it sending, then sent', async () => {
      const { client, socket, changes } = await loaded(messages(1, 3))
      void client.sendText('你好')
      socket.fail(socket.take('message'), new SocketError('TIMEOUT', 'no ack'))
      await flushPromises()
      changes.length = 0
      const done = client.resend('local-1')
      expect(client.messages[3]!.status).toBe('sending')
      const again = socket.take('message')
      expect(again.frame).toMatchObject({ id: 'local-1', text: '你好' })
      socket.ack(again, { seq: 4, ts: T0 })
      await expect(done).resolves.toMatchObject({ id: 'local-1', seq: 4, status: 'sent' })
      expect(changes.map((c) => c.type === 'update' && c.patch)).toEqual([{ status: 'sending' }, { seq: 4, ts: T0, status: 'sent' }])
      expect(socket.frames('message').map((f) => f.id)).toEqual(['local-1', 'local-1'])
    })

    it('leaves a message that did not fail alone', async () => {
      const { client, socket } = await loaded()
      void client.sendText('你好')
      await expect(client.resend('local-1')).resolves.toMatchObject({ status: 'sending' })
      expect(socket.frames('message')).toHaveLength(1)
    })

    it('throws a RangeError for an id that is not one of my messages', async () => {
      const { client } = await loaded()
      expect(() => client.resend('m-1')).toThrow(RangeError)
      expect(() => client.resend('nope')).toThrow(RangeError)
    })
  })

  describe('messages restored from the socket’s outbox', () => {
    function restoredSend(frame: Frame & { id: string }, queuedAt = T0 - 60_000) {
      let settle!: { resolve: (f: Frame) => void; reject: (e: Error) => void }
      const result = new Promise<Frame>((resolve, reject) => (settle = { resolve, reject }))
      return { entry: { id: frame.id, frame, queuedAt, result: result as Promise<AckFrame> }, settle }
    }

    it('shows my restored messages of this conversation as sending at their time, and settles them by the replay’s outcome', async () => {
      const socket = new FakeChatSocket()
      const text = restoredSend({ type: 'message', id: 'old-1', conversationId: 'conv_1', kind: 'text', text: '离线时写的' })
      const image = restoredSend({
        type: 'message',
        id: 'old-2',
        conversationId: 'conv_1',
        kind: 'image',
        image: { url: '/uploads/a.png', width: 3 },
      })
      const other = restoredSend({ type: 'message', id: 'else', conversationId: 'conv_9', kind: 'text', text: '别的会话' })
      const read = restoredSend({ type: 'read', id: 'r-1', conversationId: 'conv_1', seq: 3 })
      socket.restored = [text.entry, image.entry, other.entry, read.entry]
      const { client } = setup({}, socket)
      expect(client.messages).toEqual([
        expect.objectContaining({
          id: 'old-1',
          kind: 'text',
          text: '离线时写的',
          ts: T0 - 60_000,
          status: 'sending',
          mine: true,
          seq: null,
        }),
        expect.objectContaining({ id: 'old-2', kind: 'image', image: { url: '/uploads/a.png', width: 3 }, status: 'sending' }),
      ])
      expect(socket.frames('message')).toEqual([]) // the socket resends them itself: nothing sent twice
      text.settle.resolve({ type: 'ack', id: 'old-1', conversationId: 'conv_1', seq: 4, ts: T0 })
      image.settle.reject(new SocketError('SERVER', 'closed', { serverCode: 'CLOSED' }))
      await flushPromises()
      expect(client.messages.map((m) => [m.id, m.status])).toEqual([
        ['old-1', 'sent'],
        ['old-2', 'failed'],
      ])
      // A failed restored message is resent like any other.
      void client.resend('old-2')
      expect(socket.take('message').frame).toMatchObject({ id: 'old-2', kind: 'image', image: { url: '/uploads/a.png', width: 3 } })
    })

    it('is settled by the history page when the server already had it (acked before the kill, the ack lost)', async () => {
      const socket = new FakeChatSocket()
      const text = restoredSend({ type: 'message', id: 'm-3', conversationId: 'conv_1', kind: 'text', text: 'message 3' })
      socket.restored = [text.entry]
      const { client } = setup({}, socket)
      void client.load()
      await flushPromises()
      socket.reply(socket.take('history'), { messages: messages(1, 3), hasMore: false })
      await flushPromises()
      expect(client.messages.map((m) => m.id)).toEqual(['m-1', 'm-2', 'm-3'])
      text.settle.resolve({ type: 'ack', id: 'm-3', conversationId: 'conv_1', seq: 3, ts: T0, duplicate: true })
      await flushPromises()
      expect(client.messages.map((m) => m.id)).toEqual(['m-1', 'm-2', 'm-3'])
    })
  })

  describe('pushes', () => {
    it('appends a pushed message of this conversation and ignores other conversations', async () => {
      const { client, socket, changes } = await loaded(messages(1, 3))
      socket.push({ type: 'message', message: message(4) })
      socket.push({ type: 'message', message: message(5, agent, { conversationId: 'conv_2' }) })
      socket.push({ type: 'message', message: { nonsense: true } })
      expect(seqs(client)).toEqual([1, 2, 3, 4])
      expect(changes).toEqual([{ type: 'append', index: 3, messages: [client.messages[3]] }])
    })

    it('turns my messages read when the other side reads, and tracks my own reads from other devices', async () => {
      const { client, socket } = await loaded([message(1, customer), message(2, customer)])
      const reads: Array<{ mine: number; peer: number }> = []
      client.on('read', (r) => reads.push(r))
      socket.push({ type: 'read', conversationId: 'conv_1', seq: 1, by: sender(agent) })
      expect(client.messages.map((m) => m.status)).toEqual(['read', 'sent'])
      socket.push({ type: 'read', conversationId: 'conv_1', seq: 2, by: sender(customer) })
      expect(client.messages.map((m) => m.status)).toEqual(['read', 'sent'])
      expect(reads).toEqual([
        { mine: 0, peer: 1 },
        { mine: 2, peer: 1 },
      ])
    })

    it('follows conversation pushes: status, agent and read seqs', async () => {
      const { client, socket } = await loaded([message(1, customer)])
      const seen: string[] = []
      client.on('conversation', ({ event, conversation: c }) => seen.push(`${event}:${c.status}`))
      socket.push({ type: 'conversation', event: 'closed', conversation: conversation({ status: 'closed', agentReadSeq: 1 }) })
      socket.push({ type: 'conversation', event: 'closed', conversation: conversation({ id: 'conv_2', status: 'closed' }) })
      expect(seen).toEqual(['closed:closed'])
      expect(client.conversation.status).toBe('closed')
      expect(client.messages[0]!.status).toBe('read')
    })
  })

  describe('markRead', () => {
    it('sends a read receipt for the newest seq, once', async () => {
      const { client, socket } = await loaded(messages(1, 3))
      void client.markRead()
      void client.markRead()
      void client.markRead(2)
      expect(socket.frames('read')).toEqual([expect.objectContaining({ type: 'read', conversationId: 'conv_1', seq: 3 })])
      expect(client.readSeq).toBe(3)
    })

    it('tries again on the next call after a failed receipt', async () => {
      const { client, socket } = await loaded(messages(1, 3))
      void client.markRead()
      socket.fail(socket.take('read'), new SocketError('CLOSED', 'closed'))
      await flushPromises()
      expect(client.readSeq).toBe(0)
      void client.markRead()
      expect(socket.frames('read')).toHaveLength(2)
    })
  })

  describe('typing', () => {
    it('sends at most one unacked notice per interval', async () => {
      const { client, socket } = await loaded(messages(1, 3), false, { typingInterval: 3000 })
      client.typing()
      client.typing()
      jest.advanceTimersByTime(2999)
      client.typing()
      expect(socket.frames('typing')).toHaveLength(1)
      expect(socket.take('typing')).toMatchObject({ frame: { type: 'typing', conversationId: 'conv_1' }, opts: { ack: false } })
      jest.advanceTimersByTime(1)
      client.typing()
      expect(socket.frames('typing')).toHaveLength(2)
    })

    it('sends nothing while the link is down', async () => {
      const { client, socket } = await loaded()
      socket.drop()
      client.typing()
      expect(socket.frames('typing')).toEqual([])
    })

    it('may send again at once after I sent a message', async () => {
      const { client, socket } = await loaded()
      client.typing()
      void client.sendText('hi')
      client.typing()
      expect(socket.frames('typing')).toHaveLength(2)
    })

    it('shows who is typing on the other side and clears it after the timeout', async () => {
      const { client, socket } = await loaded(messages(1, 3), false, { typingTimeout: 5000 })
      const seen: Array<Sender | null> = []
      client.on('typing', (who) => seen.push(who))
      socket.push({ type: 'typing', conversationId: 'conv_1', from: sender(agent) })
      expect(client.peerTyping).toEqual(sender(agent))
      jest.advanceTimersByTime(4000)
      socket.push({ type: 'typing', conversationId: 'conv_1', from: sender(agent) }) // renews, no new event
      jest.advanceTimersByTime(4999)
      expect(client.peerTyping).not.toBeNull()
      jest.advanceTimersByTime(1)
      expect(client.peerTyping).toBeNull()
      expect(seen).toEqual([sender(agent), null])
    })

    it("clears the indicator when the typist's message arrives", async () => {
      const { client, socket } = await loaded(messages(1, 3))
      socket.push({ type: 'typing', conversationId: 'conv_1', from: sender(agent) })
      socket.push({ type: 'message', message: message(4) })
      expect(client.peerTyping).toBeNull()
      expect(jest.getTimerCount()).toBe(0)
    })

    it('runs its timers on the injected clock', async () => {
      const timers: Array<{ fn: () => void; ms: number; cleared: boolean }> = []
      const clock = {
        now: () => 1_000,
        setTimeout: (fn: () => void, ms: number) => timers.push({ fn, ms, cleared: false }) - 1,
        clearTimeout: (handle: unknown) => {
          timers[handle as number]!.cleared = true
        },
      }
      const { client, socket } = await loaded(messages(1, 3), false, { clock, typingTimeout: 4000 })
      socket.push({ type: 'typing', conversationId: 'conv_1', from: sender(agent) })
      expect(timers).toEqual([expect.objectContaining({ ms: 4000, cleared: false })])
      expect(jest.getTimerCount()).toBe(0)
      timers[0]!.fn()
      expect(client.peerTyping).toBeNull()
      void client.sendText('x')
      expect(client.messages[3]!.ts).toBe(1_000)
    })

    it('ignores my own notices and other conversations', async () => {
      const { client, socket } = await loaded()
      socket.push({ type: 'typing', conversationId: 'conv_1', from: sender(customer) })
      socket.push({ type: 'typing', conversationId: 'conv_2', from: sender(agent) })
      expect(client.peerTyping).toBeNull()
    })
  })

  describe('dispose', () => {
    it('removes every socket listener it added', () => {
      const socket = new FakeChatSocket()
      const before = socket.listenerCount()
      const { client } = setup({}, socket)
      expect(socket.listenerCount()).toBeGreaterThan(before)
      client.dispose()
      expect(socket.listenerCount()).toBe(before)
    })

    it('clears the typing timer', async () => {
      const { client, socket } = await loaded()
      socket.push({ type: 'typing', conversationId: 'conv_1', from: sender(agent) })
      expect(jest.getTimerCount()).toBe(1)
      client.dispose()
      expect(jest.getTimerCount()).toBe(0)
    })

    it('emits nothing after dispose, even when answers arrive late', async () => {
      const { client, socket, changes } = await loaded()
      const events: string[] = []
      for (const type of ['state', 'sent', 'error', 'read', 'typing'] as const) client.on(type, () => events.push(type))
      void client.sendText('late')
      void client.loadOlder()
      changes.length = 0
      client.dispose()
      socket.ack(socket.take('message'), { seq: 4, ts: T0 })
      socket.push({ type: 'message', message: message(5) })
      await flushPromises()
      expect(changes).toEqual([])
      expect(events).toEqual([])
      expect(() => client.sendText('again')).toThrow(/dispose/)
    })

    it('is idempotent', () => {
      const { client } = setup()
      client.dispose()
      expect(() => client.dispose()).not.toThrow()
    })
  })
})
