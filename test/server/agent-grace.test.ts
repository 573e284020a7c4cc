import fs from 'node:fs'
import { AgentGrace } from '../../server/agent-grace'
import { NOTICES } from '../../server/conversations'
import { ManualClock } from '../helpers/manual-clock'
import { DEMO, startTestServer, tempDir, type TestServer } from './helpers/server-harness'
import { TestClient, trackClients } from './helpers/ws-client'

jest.setTimeout(30_000)

describe('AgentGrace', () => {
  it('sets defaults: nothing pending', () => {
    expect(new AgentGrace(1000, new ManualClock()).size).toBe(0)
  })

  it('runs the expiry after the delay, once', () => {
    const clock = new ManualClock()
    const grace = new AgentGrace(30_000, clock)
    const expired: string[] = []
    grace.start('a1', () => expired.push('a1'))
    expect(clock.delays()).toEqual([30_000])
    expect(grace.size).toBe(1)
    clock.runAll()
    expect(expired).toEqual(['a1'])
    expect(grace.size).toBe(0)
  })

  it('cancels: the agent came back', () => {
    const clock = new ManualClock()
    const grace = new AgentGrace(30_000, clock)
    const expired: string[] = []
    grace.start('a1', () => expired.push('a1'))
    expect(grace.cancel('a1')).toBe(true)
    expect(grace.cancel('a1')).toBe(false)
    clock.runAll()
    expect(expired).toEqual([])
  })

  it('starts again from the beginning when started twice, keeping one timer', () => {
    const clock = new ManualClock()
    const grace = new AgentGrace(30_000, clock)
    const expired: string[] = []
    grace.start('a1', () => expired.push('first'))
    grace.start('a1', () => expired.push('second'))
    expect(clock.delays()).toEqual([30_000])
    clock.runAll()
    expect(expired).toEqual(['second'])
  })

  it('clears every timer', () => {
    const clock = new ManualClock()
    const grace = new AgentGrace(30_000, clock)
    grace.start('a1', () => undefined)
    grace.start('a2', () => undefined)
    grace.clear()
    expect(clock.delays()).toEqual([])
    expect(grace.size).toBe(0)
  })
})

/**
 * The grace period on a real server: agents over raw `ws`, the server's clock in the test's
 * hand. The grace periods are the timers of `GRACE` ms; the liveness sweep's (`SWEEP`) never fires.
 */
const GRACE = 30_000
const SWEEP = 3_600_000

describe('an agent who goes offline', () => {
  let server: TestServer
  let clock: ManualClock
  const clients = trackClients()

  beforeEach(async () => {
    clock = new ManualClock()
    server = await startTestServer({ clock, pingInterval: SWEEP })
    await server.accounts.addAgent({ username: 'wang', password: 'wang-password', name: '小王' })
  })
  afterEach(async () => {
    await clients.closeAll()
    await server.stop()
  })

  const connect = (token: string, on: TestServer = server): Promise<TestClient> => clients.connect(on.wsUrl, token)
  const customer = async (code: string, on: TestServer = server) => connect((await on.loginCustomer(code)).token, on)
  const meimei = async (on: TestServer = server) => connect((await on.loginAgent()).token, on)
  const wang = async (on: TestServer = server) => connect((await on.loginAgent('wang', 'wang-password')).token, on)
  /** Closes an agent's socket and resolves once the server has started their grace period. */
  async function leave(agent: TestClient, pending = 1): Promise<void> {
    await agent.close()
    await clock.started(pending, GRACE)
  }
  const session = async (c: TestClient) => (await c.request({ type: 'session' })).conversations[0]

  it('keeps their conversations through the grace period, then routes the assigned ones to the least-loaded online agent; open ones stay', async () => {
    const mei = await meimei()
    const alice = await customer('alice')
    const bob = await customer('bob')
    const waiting = (await alice.request({ type: 'open' })).conversation
    const served = (await bob.request({ type: 'open' })).conversation
    expect([waiting.agent?.name, served.agent?.name]).toEqual(['小美', '小美'])
    await mei.request({ type: 'accept', conversationId: served.id })
    const wan = await wang()

    const offline = wan.waitFor((f) => f.type === 'presence' && f.agent.name === '小美' && !f.agent.online, '小美 offline')
    await leave(mei)
    await offline
    expect(clock.delays(GRACE)).toEqual([30_000])
    // Within the grace period nothing moves.
    expect(await session(alice)).toMatchObject({ id: waiting.id, status: 'assigned', agent: { name: '小美' } })

    const since = alice.mark()
    const atWang = wan.event('assigned', waiting.id)
    clock.runAll(GRACE)
    expect((await atWang).conversation).toMatchObject({ status: 'assigned', agent: { name: '小王' } })
    expect((await alice.event('assigned', waiting.id, since)).conversation.agent.name).toBe('小王')
    expect(await alice.message((m) => m.kind === 'system', 'the notice', since)).toMatchObject({ text: NOTICES.assigned('小王') })
    expect((await wan.request({ type: 'session' })).conversations.map((c: { id: string }) => c.id)).toEqual([waiting.id])
    expect(await session(bob)).toMatchObject({ id: served.id, status: 'open', agent: { name: '小美' } })

    // 小王 serves it as his own.
    await wan.call({ type: 'message', conversationId: waiting.id, kind: 'text', text: '您好，我是小王' })
    expect(await session(alice)).toMatchObject({ status: 'open', agent: { name: '小王' } })
  })

  it('puts the assigned ones back in the queue, with the queue notice, when no agent is online; the next agent gets them', async () => {
    const mei = await meimei()
    const alice = await customer('alice')
    const conversation = (await alice.request({ type: 'open' })).conversation
    await leave(mei)

    const since = alice.mark()
    clock.runAll(GRACE)
    expect((await alice.event('queued', conversation.id, since)).conversation).toMatchObject({ status: 'queued', agent: null })
    expect(await alice.message((m) => m.kind === 'system', 'the queue notice', since)).toMatchObject({ text: NOTICES.queued })

    const wan = await wang()
    expect((await wan.event('assigned', conversation.id, 0)).conversation.agent.name).toBe('小王')
    expect(await session(alice)).toMatchObject({ status: 'assigned', agent: { name: '小王' } })
  })

  it('changes nothing when the agent comes back within the grace period (a page reload)', async () => {
    const mei = await meimei()
    const alice = await customer('alice')
    const conversation = (await alice.request({ type: 'open' })).conversation
    await leave(mei)
    const since = alice.mark()

    const back = await meimei()
    expect((await back.request({ type: 'session' })).conversations.map((c: { id: string }) => c.id)).toEqual([conversation.id])
    expect(clock.delays(GRACE)).toEqual([])
    clock.runAll(GRACE)
    await alice.roundTrip()
    expect(alice.frames.slice(since).filter((f) => f.type === 'conversation' || f.type === 'message')).toEqual([])
    expect(await session(alice)).toMatchObject({ status: 'assigned', agent: { name: '小美' } })
  })

  it('clears pending grace periods when the server closes', async () => {
    const mei = await meimei()
    const wan = await wang()
    const alice = await customer('alice')
    await alice.request({ type: 'open' })
    await leave(mei)
    await leave(wan, 2)
    expect(clock.delays(GRACE)).toHaveLength(2)
    await server.stop()
    expect(clock.delays(GRACE)).toEqual([])
  })
})

describe('after a restart', () => {
  it('gives agents who hold assigned conversations a grace period from the start', async () => {
    const dataDir = tempDir()
    const first = await startTestServer({ clock: new ManualClock(), pingInterval: SWEEP }, dataDir)
    const mei = await TestClient.connect(first.wsUrl, (await first.loginAgent()).token)
    const aliceToken = (await first.loginCustomer('alice')).token
    const alice = await TestClient.connect(first.wsUrl, aliceToken)
    const conversation = (await alice.request({ type: 'open' })).conversation
    await first.stop() // closes both sockets with 1001; a shutdown starts no grace period
    await Promise.all([mei.closed, alice.closed])

    const clock = new ManualClock()
    const second = await startTestServer({ clock, pingInterval: SWEEP }, dataDir)
    try {
      expect(clock.delays(GRACE)).toEqual([30_000])
      const again = await TestClient.connect(second.wsUrl, aliceToken)
      const queued = again.event('queued', conversation.id)
      clock.runAll(GRACE)
      expect((await queued).conversation).toMatchObject({ status: 'queued', agent: null })
      await again.close()
    } finally {
      await second.stop()
      fs.rmSync(dataDir, { recursive: true, force: true })
    }
  })
})

describe('with the real clock', () => {
  it('routes the conversation once a short grace period has passed', async () => {
    const server = await startTestServer({ dataDir: ':memory:', agentGraceMs: 20 })
    const clients = trackClients()
    try {
      await server.accounts.addAgent({ username: 'wang', password: 'wang-password', name: '小王' })
      const mei = await TestClient.connect(server.wsUrl, (await server.loginAgent(DEMO.username, DEMO.password)).token)
      const alice = await clients.connect(server.wsUrl, (await server.loginCustomer('alice')).token)
      const wan = await clients.connect(server.wsUrl, (await server.loginAgent('wang', 'wang-password')).token)
      const conversation = (await alice.request({ type: 'open' })).conversation
      expect(conversation.agent.name).toBe('小美')
      const toWang = wan.waitFor(
        (f) => f.type === 'conversation' && f.event === 'assigned' && f.conversation.agent?.name === '小王',
        'assigned to 小王',
        0,
      )
      await mei.close()
      expect((await toWang).conversation).toMatchObject({ id: conversation.id, status: 'assigned' })
    } finally {
      await clients.closeAll()
      await server.stop()
    }
  })
})
