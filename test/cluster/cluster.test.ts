/**
 * Two instances of the built server on one PostgreSQL and one Redis, behind a real nginx; every
 * client goes through nginx (`connectVia` lands a socket on the instance a scenario needs by
 * reconnecting, since nginx alternates). npm run test:cluster; .ci/run starts the services.
 */
import pg from 'pg'
import { createFetchRequest, type Frame } from '../../src'
import { waitFor } from '../helpers/wait-for'
import { chatClient, type ChatClient } from '../server/helpers/chat-socket-client'
import { startCluster, type TestCluster } from './helpers/cluster'

jest.setTimeout(120_000)

const PRESENCE_TTL_MS = 3000

interface Msg {
  id: string
  seq: number
  text?: string
  kind: string
  from: { id: string; role: string }
}

const text = (client: ChatClient, conversationId: string, t: string) =>
  client.socket.send({ type: 'message', conversationId, kind: 'text', text: t }) as Promise<Frame & { seq: number; id: string }>

const isMessage = (conversationId: string, t: string) => (f: Frame) =>
  f.type === 'message' && (f.message as Msg & { conversationId: string }).conversationId === conversationId && (f.message as Msg).text === t

async function syncAll(client: ChatClient, conversationId: string): Promise<Msg[]> {
  const { messages } = await client.socket.request<{ messages: Msg[] }>({ type: 'sync', conversationId, afterSeq: 0, limit: 500 })
  return messages
}

interface Health {
  status: string
  redis: string
  agentsOnline: number
  database: { status: string }
}

async function health(cluster: TestCluster, i: number): Promise<Health> {
  return (await (await fetch(`${cluster.instances[i]!.url}/healthz`)).json()) as Health
}

/** Waits for an asynchronous condition (a server's view through /healthz), checking every 50 ms. */
async function until(check: () => Promise<boolean>, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

function expectWhole(messages: Msg[]): void {
  expect(messages.map((m) => m.seq)).toEqual(messages.map((_, i) => i + 1))
  expect(new Set(messages.map((m) => m.id)).size).toBe(messages.length)
}

describe('two instances behind nginx', () => {
  let cluster: TestCluster
  beforeAll(async () => {
    cluster = await startCluster()
  })
  afterAll(() => cluster?.stop())

  it('routes a new conversation created on A to the agent online only on B; they chat both ways, typing and read receipts cross', async () => {
    const agentLogin = await cluster.loginAgent()
    const agent = await cluster.connectVia(agentLogin.token, 1)
    await agent.socket.request({ type: 'session' })
    const customer = await cluster.connectVia(await cluster.loginCustomer('cross-1'), 0)

    const { conversation } = await customer.socket.request<{ conversation: { id: string; status: string; agent: { id: string } | null } }>({
      type: 'open',
    })
    expect(conversation).toMatchObject({ status: 'assigned', agent: { id: agentLogin.id } })
    await agent.push(
      (f) => f.type === 'conversation' && f.event === 'assigned' && (f.conversation as { id: string }).id === conversation.id,
    )

    await text(customer, conversation.id, '你好，我在 A')
    await agent.push(isMessage(conversation.id, '你好，我在 A'), 'the customer message on B')
    await agent.socket.request({ type: 'accept', conversationId: conversation.id })
    const reply = await text(agent, conversation.id, '您好，我在 B')
    await customer.push(isMessage(conversation.id, '您好，我在 B'), 'the agent reply on A')

    agent.socket.post({ type: 'typing', conversationId: conversation.id })
    await customer.push((f) => f.type === 'typing' && f.conversationId === conversation.id, 'typing on A')
    await customer.socket.send({ type: 'read', conversationId: conversation.id, seq: reply.seq })
    await agent.push((f) => f.type === 'read' && f.conversationId === conversation.id && f.seq === reply.seq, 'the read receipt on B')

    expectWhole(await syncAll(customer, conversation.id))
    expect(await syncAll(agent, conversation.id)).toEqual(await syncAll(customer, conversation.id))
    customer.socket.close()
    agent.socket.close()
  })

  it('keeps a long-polling customer on one session through nginx (polling pinned to an instance) while chatting with an agent', async () => {
    const agentLogin = await cluster.loginAgent()
    const agent = await cluster.connectVia(agentLogin.token, 1)
    await agent.socket.request({ type: 'session' })
    const token = await cluster.loginCustomer('polling-1')
    // A network that refuses WebSocket: the customer polls through nginx (http://nginx/ws), both instances behind it.
    const client = chatClient(cluster.wsUrl, () => token, { transports: ['polling'], request: createFetchRequest() })
    const customer = client.socket
    let opens = 0
    const closes: string[] = []
    customer.on('open', () => opens++)
    customer.on('close', (e) => closes.push(`${e.code} ${e.reason}`))
    const replies = (): string[] =>
      client.pushes
        .filter((f) => f.type === 'message')
        .map((f) => (f.message as Msg).text ?? '')
        .filter((t) => t.startsWith('收到'))
    try {
      await customer.connect()
      expect(customer.transport).toBe('polling')
      const { conversation } = await customer.request<{ conversation: { id: string } }>({ type: 'open' })
      for (let n = 1; n <= 10; n++) {
        await customer.send({ type: 'message', conversationId: conversation.id, kind: 'text', text: `轮询 ${n}` })
        await agent.push(isMessage(conversation.id, `轮询 ${n}`), `轮询 ${n} at the agent`)
        await text(agent, conversation.id, `收到 ${n}`)
      }
      await waitFor(() => replies().length === 10, "the agent's 10 replies over polling", 20_000)
      expect(replies()).toEqual(Array.from({ length: 10 }, (_, i) => `收到 ${i + 1}`))
      // Round robin would send the next poll to the other instance, which does not know the session: closed, reopened.
      expect(closes).toEqual([])
      expect(opens).toBe(1)
    } finally {
      customer.close()
      agent.socket.close()
    }
  })

  it('lets exactly one of two agents on A and B accept the same queued conversation; the other gets CONFLICT', async () => {
    cluster.addAgent('wang', 'wang-password-1')
    // No agent online: the conversation waits in the queue.
    await until(
      async () => (await Promise.all([0, 1].map((i) => health(cluster, i)))).every((h) => h.agentsOnline === 0),
      'no agent online',
    )
    const customer = await cluster.connectVia(await cluster.loginCustomer('race-1'), 0)
    const { conversation } = await customer.socket.request<{ conversation: { id: string; status: string } }>({ type: 'open' })
    expect(conversation.status).toBe('queued')

    // Both agents come online at once, each on its instance, and accept at once: whoever the queue
    // was handed to, or whoever's accept commits first, wins; the other is refused.
    const [demo, wang] = await Promise.all([cluster.loginAgent(), cluster.loginAgent('wang', 'wang-password-1')])
    const onA = await cluster.connectVia(demo.token, 0)
    const onB = await cluster.connectVia(wang.token, 1)
    const answers = await Promise.allSettled([
      onA.socket.request({ type: 'accept', conversationId: conversation.id }),
      onB.socket.request({ type: 'accept', conversationId: conversation.id }),
    ])
    expect(answers.filter((a) => a.status === 'fulfilled')).toHaveLength(1)
    const refused = answers.find((a) => a.status === 'rejected')
    expect(refused?.reason).toMatchObject({ code: 'SERVER', serverCode: 'CONFLICT' })
    const winner = answers[0].status === 'fulfilled' ? demo.id : wang.id
    const db = new pg.Client({ connectionString: cluster.databaseUrl })
    await db.connect()
    try {
      const row = await db.query('SELECT status, agent_id FROM conversations WHERE id = $1', [conversation.id])
      expect(row.rows[0]).toEqual({ status: 'open', agent_id: winner })
    } finally {
      await db.end()
    }
    for (const c of [customer, onA, onB]) c.socket.close()
  })
})

describe('an instance killed with -9', () => {
  let cluster: TestCluster
  beforeAll(async () => {
    cluster = await startCluster()
    cluster.addAgent('wang', 'wang-password-1')
  })
  afterAll(() => cluster?.stop())

  it(`moves the customer to B through nginx with nothing acked lost or doubled; A's agents leave presence within PRESENCE_TTL_MS`, async () => {
    const demo = await cluster.loginAgent()
    const wang = await cluster.loginAgent('wang', 'wang-password-1')
    const watcher = await cluster.connectVia(demo.token, 1)
    await watcher.socket.request({ type: 'session' })
    // wang's device dies with A (it never reconnects): only the heartbeat can tell B that wang is gone.
    const onA = await cluster.connectVia(wang.token, 0, { reconnect: false })
    await onA.socket.request({ type: 'session' })
    await watcher.push((f) => f.type === 'presence' && (f.agent as { id: string }).id === wang.id, 'wang online, seen on B')

    const customer = await cluster.connectVia(await cluster.loginCustomer('killed-1'), 0)
    const { conversation } = await customer.socket.request<{ conversation: { id: string } }>({ type: 'open' })
    const acked: string[] = []
    for (let i = 1; i <= 5; i++) acked.push((await text(customer, conversation.id, `before ${i}`)).id)

    const killedAt = Date.now()
    await cluster.kill(0)
    // Sent while A is dead: ChatSocket queues them, reconnects through nginx (to B) and resends.
    const during = [1, 2, 3].map((i) => text(customer, conversation.id, `after ${i}`))
    for (const ack of await Promise.all(during)) acked.push(ack.id)

    const stored = await syncAll(customer, conversation.id)
    expectWhole(stored)
    const ids = stored.map((m) => m.id)
    for (const id of acked) expect(ids.filter((x) => x === id)).toHaveLength(1)
    expect(stored.filter((m) => m.kind === 'text').map((m) => m.text)).toEqual([
      'before 1',
      'before 2',
      'before 3',
      'before 4',
      'before 5',
      'after 1',
      'after 2',
      'after 3',
    ])
    expect(await syncAll(watcher, conversation.id)).toEqual(stored)

    // wang's only socket died with A: B's heartbeat finds A's key expired and tells the agents.
    await watcher.push(
      (f) =>
        f.type === 'presence' && (f.agent as { id: string; online: boolean }).id === wang.id && !(f.agent as { online: boolean }).online,
      'wang offline, seen on B',
    )
    // Documented bound: PRESENCE_TTL_MS after A's last beat, plus one beat (TTL / 3) of B to notice; slack for a loaded machine.
    expect(Date.now() - killedAt).toBeLessThan(PRESENCE_TTL_MS + PRESENCE_TTL_MS / 3 + 4000)
    const session = await watcher.socket.request<{ agents: Array<{ id: string }> }>({ type: 'session' })
    expect(session.agents.map((a) => a.id)).toEqual([demo.id])
    customer.socket.close()
    watcher.socket.close()
    onA.socket.close()
  })
})

describe('Redis restarted mid-conversation', () => {
  let cluster: TestCluster
  beforeAll(async () => {
    cluster = await startCluster()
  })
  afterAll(() => cluster?.stop())

  it('loses nothing committed, reports Redis down in /healthz, and delivers across instances again when Redis is back', async () => {
    const agent = await cluster.connectVia((await cluster.loginAgent()).token, 1)
    await agent.socket.request({ type: 'session' })
    const customer = await cluster.connectVia(await cluster.loginCustomer('redis-1'), 0)
    const { conversation } = await customer.socket.request<{ conversation: { id: string } }>({ type: 'open' })
    await text(customer, conversation.id, 'before')
    await agent.push(isMessage(conversation.id, 'before'), 'a message before the outage')

    await cluster.redis.stop()
    await until(async () => (await health(cluster, 0)).redis === 'unavailable', 'A to see Redis gone')
    expect(await health(cluster, 0)).toMatchObject({ status: 'degraded', redis: 'unavailable', database: { status: 'ok' } })
    // Committed and acked while Redis is away; B does not hear of them now.
    const outage = await Promise.all(['during 1', 'during 2'].map((t) => text(customer, conversation.id, t)))
    expect(outage.every((a) => typeof a.seq === 'number')).toBe(true)

    await cluster.redis.start()
    for (const i of [0, 1]) await until(async () => (await health(cluster, i)).redis === 'ok', `instance ${i} to reach Redis again`)
    expect(await health(cluster, 1)).toMatchObject({ status: 'ok', redis: 'ok' })
    // Delivery resumes (the instances subscribed again); the agent fills the gap with sync, as ConversationClient does on a seq gap.
    const after = await text(customer, conversation.id, 'after')
    await agent.push(isMessage(conversation.id, 'after'), 'a message after Redis came back')
    const stored = await syncAll(agent, conversation.id)
    expectWhole(stored)
    expect(stored.filter((m) => m.kind === 'text').map((m) => m.text)).toEqual(['before', 'during 1', 'during 2', 'after'])
    expect(stored[stored.length - 1]!.seq).toBe(after.seq)
    customer.socket.close()
    agent.socket.close()
  })
})

describe('1,000 messages from 50 customers over both instances, one instance restarted meanwhile', () => {
  let cluster: TestCluster
  beforeAll(async () => {
    cluster = await startCluster()
  })
  afterAll(() => cluster?.stop())

  it('stores every acked message once, with gapless seqs per conversation', async () => {
    const customers: Array<{ client: ChatClient; conversationId: string }> = []
    for (let i = 0; i < 50; i++) {
      const client = await cluster.connectVia(await cluster.loginCustomer(`load-${i}`), i % 2)
      const { conversation } = await client.socket.request<{ conversation: { id: string } }>({ type: 'open' })
      customers.push({ client, conversationId: conversation.id })
    }
    const acks: Array<{ id: string; seq: number; conversationId: string }> = []
    let sent = 0
    const restart = (async () => {
      await waitFor(() => sent >= 300, '300 messages sent', 60_000)
      await cluster.kill(0)
      await cluster.restart(0)
    })()
    await Promise.all(
      customers.map(async ({ client, conversationId }) => {
        for (let n = 1; n <= 20; n++) {
          sent++
          const ack = await text(client, conversationId, `m${n}`)
          acks.push({ id: ack.id, seq: ack.seq, conversationId })
        }
      }),
    )
    await restart
    expect(acks).toHaveLength(1000)

    const db = new pg.Client({ connectionString: cluster.databaseUrl })
    await db.connect()
    try {
      const rows = await db.query<{ conversation_id: string; seq: number; id: string; kind: string }>(
        'SELECT conversation_id, seq, id, kind FROM messages ORDER BY conversation_id, seq',
      )
      const byConversation = new Map<string, Array<{ seq: number; id: string; kind: string }>>()
      for (const r of rows.rows) byConversation.set(r.conversation_id, [...(byConversation.get(r.conversation_id) ?? []), r])
      expect(byConversation.size).toBe(50)
      for (const [id, messages] of byConversation) {
        expect(messages.map((m) => m.seq)).toEqual(messages.map((_, i) => i + 1))
        expect(messages.filter((m) => m.kind === 'text')).toHaveLength(20)
        const last = await db.query<{ last_seq: number }>('SELECT last_seq FROM conversations WHERE id = $1', [id])
        expect(last.rows[0]!.last_seq).toBe(messages.length)
      }
      const stored = new Map(rows.rows.map((r) => [`${r.conversation_id}/${r.id}`, r.seq]))
      for (const ack of acks) expect(stored.get(`${ack.conversationId}/${ack.id}`)).toBe(ack.seq)
    } finally {
      await db.end()
    }
    for (const c of customers) c.client.socket.close()
  })
})
