/**
 * The paged `session` reply on the client (src/chat/session-pages.ts, issue 9 defect 7): AgentDesk
 * asks for every page with its cursor before applying anything, a conversation pushed while later
 * pages were on their way is filed as the push says (not as its older page did), and a page that
 * says hasMore without a cursor rejects start() instead of looping.
 */
import { AgentDesk } from '../../../src/chat'
import type { Conversation } from '../../../src/chat'
import { agent, conversation, otherAgent, sender, T0 } from '../../helpers/chat-fixtures'
import { FakeChatSocket, flushPromises } from '../../helpers/fake-chat-socket'

const queued = (id: string, createdAt: number): Conversation => conversation({ id, status: 'queued', agent: null, createdAt })
const page = (conversations: Conversation[], queue: Conversation[], cursor?: string) => ({
  user: agent,
  conversations,
  queue,
  agents: [{ id: agent.id, name: agent.name, online: true }],
  hasMore: cursor !== undefined,
  ...(cursor !== undefined ? { cursor } : {}),
})

describe('AgentDesk and a paged session reply', () => {
  it('asks for every page with its cursor and applies them together', async () => {
    const socket = new FakeChatSocket()
    const desk = new AgentDesk({ socket })
    const ready = jest.fn()
    desk.on('ready', ready)
    const user = desk.start()
    await flushPromises()
    socket.reply(socket.take('session'), page([conversation({ id: 'm1' })], [queued('q1', T0 + 1)], 'c1'))
    await flushPromises()
    expect(ready).not.toHaveBeenCalled()
    expect(socket.take('session').frame).toMatchObject({ type: 'session', cursor: 'c1' })
    socket.reply(socket.take('session'), page([], [queued('q2', T0 + 2)]))
    await user
    expect(desk.conversations.map((c) => c.conversation.id)).toEqual(['m1'])
    expect(desk.queue.map((c) => c.id)).toEqual(['q1', 'q2'])
    expect(ready).toHaveBeenCalledTimes(1)
  })

  it('files a conversation pushed between pages as the push says', async () => {
    const socket = new FakeChatSocket()
    const desk = new AgentDesk({ socket })
    const user = desk.start()
    await flushPromises()
    socket.reply(socket.take('session'), page([conversation({ id: 'm1' })], [queued('q1', T0 + 1)], 'c1'))
    await flushPromises()
    // While the second page is on its way: q1 is given to me, m1 is transferred to 小王.
    socket.push({
      type: 'conversation',
      event: 'assigned',
      conversation: conversation({ id: 'q1', status: 'assigned', agent: sender(agent) }),
    })
    socket.push({ type: 'conversation', event: 'transferred', conversation: conversation({ id: 'm1', agent: sender(otherAgent) }) })
    // The second page was read before: it still lists q1 as queued.
    socket.reply(socket.take('session'), page([], [queued('q1', T0 + 1), queued('q2', T0 + 2)]))
    await user
    expect(desk.conversations.map((c) => c.conversation.id)).toEqual(['q1'])
    expect(desk.queue.map((c) => c.id)).toEqual(['q2'])
  })

  it('rejects start() when a page says hasMore without a cursor', async () => {
    const socket = new FakeChatSocket()
    const desk = new AgentDesk({ socket })
    const user = desk.start()
    await flushPromises()
    socket.reply(socket.take('session'), { ...page([], []), hasMore: true })
    await expect(user).rejects.toThrow('session: a page with hasMore carries no cursor')
    expect(desk.user).toBeNull()
  })
})
