import { Conversations, NOTICES, type Delivery } from '../../server/conversations'
import { openTestStore } from '../helpers/test-database'
import type { Store } from '../../server/store/store'
import type { User } from '../../server/types'

const stores: Store[] = []
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close()
})

/** Conversations alone: an in-memory store, presence as a plain array. */
async function setup() {
  const store = await openTestStore()
  stores.push(store)
  const online: string[] = []
  let n = 0
  let now = 1_000
  const chat = new Conversations(store, { onlineAgentIds: async () => [...online] }, { now: () => ++now, newId: (p) => `${p}_${++n}` })
  const agent = (id: string, name: string): Promise<User> => store.insertAgent({ id, name, username: id, passwordHash: 'x' }, 0)
  const customer = (id: string): Promise<User> => store.ensureCustomer({ id, name: `顾客 ${id}`, loginKey: `dev:${id}` }, 0)
  const goOnline = (user: User): Promise<Delivery[]> => {
    online.push(user.id)
    return chat.agentOnline(user)
  }
  return { store, chat, online, agent, customer, goOnline }
}

const text = (id: string, t: string, conversationId?: string) => ({
  type: 'message' as const,
  id,
  kind: 'text' as const,
  text: t,
  ...(conversationId ? { conversationId } : {}),
})
const noImages = () => false
const frames = (ds: Delivery[]) => ds.map((d) => d.frame)
const notices = (ds: Delivery[]) =>
  frames(ds)
    .filter((f) => f.type === 'message')
    .map((f) => (f.message as { text: string }).text)

describe('Conversations routing', () => {
  it('queues a conversation when no agent is online, with a notice to the customer', async () => {
    const { chat, customer, store } = await setup()
    const c = await customer('c1')
    const { data, deliveries } = await chat.open(c)
    expect(data.conversation).toMatchObject({ status: 'queued', agent: null, lastSeq: 1 })
    expect(notices(deliveries)).toEqual([NOTICES.queued])
    expect(frames(deliveries)[0]).toMatchObject({ type: 'conversation', event: 'queued' })
    expect(deliveries[0]).toMatchObject({ users: ['c1'], agents: true })
    expect((await store.messagesAfter(data.conversation.id, 0, 10)).messages[0]).toMatchObject({
      kind: 'system',
      seq: 1,
      from: { role: 'system' },
    })
  })

  it('opens at most one conversation per customer', async () => {
    const { chat, customer } = await setup()
    const c = await customer('c1')
    const first = (await chat.open(c)).data.conversation
    const again = await chat.open(c)
    expect(again.data.conversation.id).toBe(first.id)
    expect(again.deliveries).toEqual([])
  })

  it('assigns a new conversation to the online agent with the fewest assigned + open', async () => {
    const { chat, customer, agent, goOnline } = await setup()
    const a1 = await agent('a1', '小美')
    const a2 = await agent('a2', '小王')
    await goOnline(a1)
    await goOnline(a2)
    const c1 = (await chat.open(await customer('c1'))).data.conversation
    const c2 = (await chat.open(await customer('c2'))).data.conversation
    const c3 = (await chat.open(await customer('c3'))).data.conversation
    expect([c1.agent?.id, c2.agent?.id, c3.agent?.id]).toEqual(['a1', 'a2', 'a1'])
    expect(c1.status).toBe('assigned')
    await chat.close(a1, c1.id)
    await chat.close(a1, c3.id)
    expect((await chat.open(await customer('c4'))).data.conversation.agent?.id).toBe('a1')
  })

  it('tells the customer who serves them', async () => {
    const { chat, customer, agent, goOnline } = await setup()
    await goOnline(await agent('a1', '小美'))
    const { deliveries } = await chat.open(await customer('c1'))
    expect(notices(deliveries)).toEqual([NOTICES.assigned('小美')])
    expect(NOTICES.assigned('小美')).toBe('客服 小美 为您服务')
  })

  it('hands out the queue oldest first when an agent comes online', async () => {
    const { chat, customer, agent, goOnline, store } = await setup()
    const q1 = (await chat.open(await customer('c1'))).data.conversation
    const q2 = (await chat.open(await customer('c2'))).data.conversation
    const a1 = await agent('a1', '小美')
    const deliveries = await goOnline(a1)
    expect(frames(deliveries)[0]).toEqual({ type: 'presence', agent: { id: 'a1', name: '小美', online: true, status: 'online' } })
    const assigned = frames(deliveries)
      .filter((f) => f.type === 'conversation')
      .map((f) => (f.conversation as { id: string }).id)
    expect(assigned).toEqual([q1.id, q2.id])
    expect(await store.conversation(q1.id)).toMatchObject({ status: 'assigned', agent: { id: 'a1' } })
    expect(notices(deliveries)).toEqual([NOTICES.assigned('小美'), NOTICES.assigned('小美')])
  })

  it("lets an agent accept a queued conversation or one assigned to them, and not another agent's", async () => {
    const { chat, customer, agent, goOnline } = await setup()
    const a1 = await agent('a1', '小美')
    const a2 = await agent('a2', '小王')
    const queued = (await chat.open(await customer('c1'))).data.conversation
    expect((await chat.accept(a2, queued.id)).data.conversation).toMatchObject({ status: 'open', agent: { id: 'a2' } })
    await goOnline(a1)
    const mine = (await chat.open(await customer('c2'))).data.conversation
    expect(mine.agent?.id).toBe('a1')
    await expect(chat.accept(a2, mine.id)).rejects.toMatchObject({ code: 'CONFLICT' })
    const accepted = await chat.accept(a1, mine.id)
    expect(accepted.data.conversation.status).toBe('open')
    expect(frames(accepted.deliveries)).toEqual([expect.objectContaining({ type: 'conversation', event: 'accepted' })])
    expect((await chat.accept(a1, mine.id)).deliveries).toEqual([])
  })

  it('accepts an assigned conversation when its agent replies', async () => {
    const { chat, customer, agent, goOnline } = await setup()
    const a1 = await agent('a1', '小美')
    await goOnline(a1)
    const conv = (await chat.open(await customer('c1'))).data.conversation
    const { deliveries } = await chat.message(a1, text('m1', '您好', conv.id), noImages)
    expect(frames(deliveries).map((f) => f.event ?? f.type)).toEqual(['accepted', 'message'])
  })

  it('transfers to another online agent, with a notice', async () => {
    const { chat, customer, agent, goOnline, store } = await setup()
    const a1 = await agent('a1', '小美')
    const a2 = await agent('a2', '小王')
    await goOnline(a1)
    const conv = (await chat.open(await customer('c1'))).data.conversation
    await expect(chat.transfer(a1, conv.id, 'a2')).rejects.toMatchObject({ code: 'CONFLICT' }) // offline
    await goOnline(a2)
    const { data, deliveries } = await chat.transfer(a1, conv.id, 'a2')
    expect(data.conversation).toMatchObject({ status: 'assigned', agent: { id: 'a2', name: '小王' } })
    expect(frames(deliveries)[0]).toMatchObject({ type: 'conversation', event: 'transferred', from: { id: 'a1' } })
    expect(deliveries[0]!.users.sort()).toEqual(['a1', 'a2', 'c1'])
    expect(notices(deliveries)).toEqual(['已为您转接至客服 小王'])
    expect((await store.conversation(conv.id))?.lastMessage?.text).toBe('已为您转接至客服 小王')
  })

  it('refuses bad transfers with codes', async () => {
    const { chat, customer, agent, goOnline } = await setup()
    const a1 = await agent('a1', '小美')
    const a2 = await agent('a2', '小王')
    await goOnline(a1)
    await goOnline(a2)
    const c = await customer('c1')
    const conv = (await chat.open(c)).data.conversation // → a1
    await expect(chat.transfer(a2, conv.id, 'a1')).rejects.toMatchObject({ code: 'FORBIDDEN' })
    await expect(chat.transfer(a1, conv.id, 'a1')).rejects.toMatchObject({ code: 'BAD_REQUEST' })
    await expect(chat.transfer(a1, conv.id, 'nobody')).rejects.toMatchObject({ code: 'NOT_FOUND' })
    await expect(chat.transfer(a1, conv.id, 'c1')).rejects.toMatchObject({ code: 'NOT_FOUND' })
    await expect(chat.transfer(c, conv.id, 'a2')).rejects.toMatchObject({ code: 'FORBIDDEN' })
    await chat.close(a1, conv.id)
    await expect(chat.transfer(a1, conv.id, 'a2')).rejects.toMatchObject({ code: 'CLOSED' })
  })

  it('closes with a notice; closing again changes nothing; a closed conversation takes no messages', async () => {
    const { chat, customer } = await setup()
    const c = await customer('c1')
    const conv = (await chat.open(c)).data.conversation
    const { data, deliveries } = await chat.close(c, conv.id)
    expect(data.conversation.status).toBe('closed')
    expect(notices(deliveries)).toEqual(['会话已结束'])
    expect((await chat.close(c, conv.id)).deliveries).toEqual([])
    await expect(chat.message(c, text('late', 'hi', conv.id), noImages)).rejects.toMatchObject({ code: 'CLOSED' })
    await expect(chat.accept({ id: 'a9', role: 'agent', name: 'x' }, conv.id)).rejects.toMatchObject({ code: 'CLOSED' })
  })

  it('opens a new conversation for a customer whose last one is closed', async () => {
    const { chat, customer } = await setup()
    const c = await customer('c1')
    const first = (await chat.open(c)).data.conversation
    await chat.close(c, first.id)
    const second = (await chat.open(c)).data.conversation
    expect(second.id).not.toBe(first.id)
    expect((await chat.session(c)).data.conversations.map((x) => x.id)).toEqual([second.id])
  })
})

describe('Conversations: an agent gone past the grace period', () => {
  const goOffline = (online: string[], id: string): void => void online.splice(online.indexOf(id), 1)

  it('routes their assigned conversations to the online agent with the fewest assigned + open, oldest first; open ones stay', async () => {
    const { chat, customer, agent, goOnline, online, store } = await setup()
    const a1 = await agent('a1', '小美')
    await goOnline(a1)
    const first = (await chat.open(await customer('c1'))).data.conversation
    const kept = (await chat.open(await customer('c2'))).data.conversation
    await chat.accept(a1, kept.id)
    const second = (await chat.open(await customer('c3'))).data.conversation
    const a2 = await agent('a2', '小王')
    const a3 = await agent('a3', '小李')
    await goOnline(a2)
    await goOnline(a3)
    await chat.open(await customer('c4')) // → a2, so a3 has the fewest
    goOffline(online, 'a1')

    const { data, deliveries } = await chat.rerouteAssigned(a1)
    expect(data.map((c) => [c.id, c.status, c.agent?.id])).toEqual([
      [first.id, 'assigned', 'a3'],
      [second.id, 'assigned', 'a2'],
    ])
    expect(await store.conversation(kept.id)).toMatchObject({ status: 'open', agent: { id: 'a1' } })
    const events = frames(deliveries).filter((f) => f.type === 'conversation')
    expect(events.map((f) => [f.event, (f.conversation as { id: string }).id])).toEqual([
      ['assigned', first.id],
      ['assigned', second.id],
    ])
    expect(deliveries[0]).toMatchObject({ users: ['c1', 'a3'], agents: true })
    expect(notices(deliveries)).toEqual([NOTICES.assigned('小李'), NOTICES.assigned('小王')])
    expect((await chat.session(a1)).data.conversations.map((c) => c.id)).toEqual([kept.id])
  })

  it('puts them back in the queue, with the queue notice to the customer, when no agent is online', async () => {
    const { chat, customer, agent, goOnline, online, store } = await setup()
    const a1 = await agent('a1', '小美')
    await goOnline(a1)
    const conv = (await chat.open(await customer('c1'))).data.conversation
    goOffline(online, 'a1')

    const { data, deliveries } = await chat.rerouteAssigned(a1)
    expect(data).toEqual([expect.objectContaining({ id: conv.id, status: 'queued', agent: null })])
    expect(frames(deliveries)[0]).toMatchObject({ type: 'conversation', event: 'queued', conversation: { id: conv.id, status: 'queued' } })
    expect(deliveries[0]).toMatchObject({ users: ['c1'], agents: true })
    expect(notices(deliveries)).toEqual([NOTICES.queued])
    expect(deliveries[1]!.users).toEqual(['c1'])
    expect((await store.conversation(conv.id))?.lastMessage).toMatchObject({ kind: 'system', text: NOTICES.queued })

    // The queue hands it out as usual when an agent comes online.
    const a2 = await agent('a2', '小王')
    const handed = await goOnline(a2)
    expect(
      frames(handed)
        .filter((f) => f.type === 'conversation')
        .map((f) => (f.conversation as { id: string }).id),
    ).toEqual([conv.id])
    expect(await store.conversation(conv.id)).toMatchObject({ status: 'assigned', agent: { id: 'a2' } })
  })

  it('changes nothing while the agent is online, or when they have nothing assigned', async () => {
    const { chat, customer, agent, goOnline, online } = await setup()
    const a1 = await agent('a1', '小美')
    await goOnline(a1)
    const conv = (await chat.open(await customer('c1'))).data.conversation
    expect(await chat.rerouteAssigned(a1)).toEqual({ data: [], deliveries: [] })
    await chat.accept(a1, conv.id)
    goOffline(online, 'a1')
    expect(await chat.rerouteAssigned(a1)).toEqual({ data: [], deliveries: [] })
  })

  it('names the offline agents who hold assigned conversations', async () => {
    const { chat, customer, agent, goOnline, online } = await setup()
    const a1 = await agent('a1', '小美')
    const a2 = await agent('a2', '小王')
    await goOnline(a1)
    await chat.open(await customer('c1'))
    await goOnline(a2)
    await chat.open(await customer('c2'))
    expect(await chat.absentAgentsWithAssigned()).toEqual([])
    goOffline(online, 'a1')
    goOffline(online, 'a2')
    expect((await chat.absentAgentsWithAssigned()).map((a) => a.id)).toEqual(['a1', 'a2'])
  })
})

describe('Conversations messages', () => {
  it('acks a resent id with its original seq and ts, storing and delivering nothing', async () => {
    const { chat, customer, store } = await setup()
    const c = await customer('c1')
    const first = await chat.message(c, text('m1', 'hello'), noImages)
    const again = await chat.message(c, text('m1', 'hello'), noImages)
    expect(again.data).toEqual({ ...first.data, duplicate: true })
    expect(again.deliveries).toEqual([])
    const withId = await chat.message(c, text('m1', 'hello', first.data.conversationId), noImages)
    expect(withId.data).toEqual({ ...first.data, duplicate: true })
    expect(await store.messageCount(first.data.conversationId)).toBe(2) // the queue notice and m1
  })

  it('acks a resend after the conversation was closed, instead of refusing it', async () => {
    const { chat, customer } = await setup()
    const c = await customer('c1')
    const first = await chat.message(c, text('m1', 'hello'), noImages)
    await chat.close(c, first.data.conversationId)
    expect((await chat.message(c, text('m1', 'hello'), noImages)).data).toMatchObject({ seq: first.data.seq, duplicate: true })
    expect((await chat.message(c, text('m1', 'hello', first.data.conversationId), noImages)).data).toMatchObject({ seq: first.data.seq })
  })

  it('refuses an id that someone else used in the conversation', async () => {
    const { chat, customer, agent, goOnline } = await setup()
    const a1 = await agent('a1', '小美')
    await goOnline(a1)
    const c = await customer('c1')
    const conv = (await chat.open(c)).data.conversation
    await chat.message(a1, text('same', 'from the agent', conv.id), noImages)
    await expect(chat.message(c, text('same', 'from the customer', conv.id), noImages)).rejects.toMatchObject({ code: 'CONFLICT' })
  })

  it('creates the conversation for a customer message without conversationId', async () => {
    const { chat, customer } = await setup()
    const { data, deliveries } = await chat.message(await customer('c1'), text('m1', 'hi'), noImages)
    expect(data.seq).toBe(2) // after the queue notice
    expect(frames(deliveries).map((f) => f.event ?? f.type)).toEqual(['queued', 'message', 'message'])
    expect(deliveries[2]).toMatchObject({ skipSender: true, users: ['c1'] })
  })

  it('wants conversationId from agents', async () => {
    const { chat, agent } = await setup()
    await expect(chat.message(await agent('a1', 'x'), text('m', 'hi'), noImages)).rejects.toMatchObject({ code: 'BAD_REQUEST' })
  })

  it("forbids a customer to touch another customer's conversation", async () => {
    const { chat, customer } = await setup()
    const conv = (await chat.open(await customer('c1'))).data.conversation
    const other = await customer('c2')
    for (const call of [
      () => chat.message(other, text('x', 'hi', conv.id), noImages),
      () => chat.sync(other, conv.id, 0, 10),
      () => chat.history(other, conv.id, 0, 10),
      () => chat.close(other, conv.id),
      () => chat.read(other, conv.id, 1),
      () => chat.typing(other, conv.id),
      () => chat.accept(other, conv.id),
      () => chat.open({ id: 'a1', role: 'agent', name: 'x' }),
    ])
      await expect(call()).rejects.toMatchObject({ code: 'FORBIDDEN' })
  })

  it("forbids an agent to write in another agent's conversation, but lets them read it", async () => {
    const { chat, customer, agent, goOnline } = await setup()
    const a1 = await agent('a1', '小美')
    const a2 = await agent('a2', '小王')
    await goOnline(a1)
    const conv = (await chat.open(await customer('c1'))).data.conversation
    await expect(chat.message(a2, text('x', 'hi', conv.id), noImages)).rejects.toMatchObject({ code: 'FORBIDDEN' })
    await expect(chat.close(a2, conv.id)).rejects.toMatchObject({ code: 'FORBIDDEN' })
    expect((await chat.sync(a2, conv.id, 0, 10)).data.messages).toHaveLength(1)
  })

  it('answers NOT_FOUND for a conversation that does not exist', async () => {
    const { chat, customer } = await setup()
    await expect(chat.sync(await customer('c1'), 'conv_nope', 0, 10)).rejects.toMatchObject({ code: 'NOT_FOUND' })
  })

  it('stores an image only when the upload exists', async () => {
    const { chat, customer } = await setup()
    const c = await customer('c1')
    const url = `/uploads/${'a'.repeat(64)}.png`
    const frame = { type: 'message' as const, id: 'img', kind: 'image' as const, image: { url, width: 10, height: 20 } }
    await expect(chat.message(c, frame, () => false)).rejects.toMatchObject({ code: 'NOT_FOUND' })
    const { data } = await chat.message(c, frame, (u) => u === url)
    expect((await chat.sync(c, data.conversationId, 0, 10)).data.messages[1]).toMatchObject({
      kind: 'image',
      image: { url, width: 10, height: 20 },
    })
  })

  it('moves read marks and tells the other side', async () => {
    const { chat, customer, agent, goOnline } = await setup()
    const a1 = await agent('a1', '小美')
    await goOnline(a1)
    const c = await customer('c1')
    const conv = (await chat.open(c)).data.conversation
    await chat.message(c, text('m1', 'hi', conv.id), noImages)
    const { data, deliveries } = await chat.read(a1, conv.id, 2)
    expect(data).toEqual({ conversationId: conv.id, seq: 2 })
    expect(deliveries[0]).toMatchObject({ frame: { type: 'read', seq: 2, by: { id: 'a1' } }, skipSender: true })
  })

  it('sends typing to the other side only', async () => {
    const { chat, customer, agent, goOnline } = await setup()
    const a1 = await agent('a1', '小美')
    await goOnline(a1)
    const c = await customer('c1')
    const conv = (await chat.open(c)).data.conversation
    expect((await chat.typing(c, conv.id)).deliveries).toEqual([
      { frame: { type: 'typing', conversationId: conv.id, from: expect.objectContaining({ id: 'c1' }) }, users: ['a1'] },
    ])
    expect((await chat.typing(a1, conv.id)).deliveries[0]!.users).toEqual(['c1'])
  })

  it('gives an agent their conversations, the queue and who is online', async () => {
    const { chat, customer, agent, goOnline } = await setup()
    const a1 = await agent('a1', '小美')
    await chat.open(await customer('c1'))
    await goOnline(a1)
    await chat.open(await customer('c2'))
    const a2 = await agent('a2', '小王')
    const s = (await chat.session(a2)).data
    expect(s.conversations).toEqual([])
    expect(s.queue).toEqual([])
    expect(s.agents).toEqual([{ id: 'a1', name: '小美', online: true, status: 'online' }])
    expect((await chat.session(a1)).data.conversations).toHaveLength(2)
  })
})
