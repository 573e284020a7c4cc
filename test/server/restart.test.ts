import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { buildServer, spawnServer, stopServer, type ChildServer } from './helpers/built-server'
import { chatClient, type ChatClient } from './helpers/chat-socket-client'
import { postJson, startTestServer, tempDir } from './helpers/server-harness'
import { TestClient } from './helpers/ws-client'
import { storeEnv } from '../helpers/test-database'

jest.setTimeout(60_000)

interface Msg {
  id: string
  seq: number
  text?: string
  kind: string
  from: { role: string }
}

describe('a restart on the same DATA_DIR', () => {
  it('keeps history, accounts, tokens and the seq count', async () => {
    const dir = tempDir()
    try {
      const first = await startTestServer({}, dir)
      await first.accounts.addAgent({ username: 'li', password: 'li-password', name: '小李' })
      const login = await first.loginCustomer('loyal')
      const c = await TestClient.connect(first.wsUrl, login.token)
      const { conversation } = await c.request({ type: 'open' })
      for (const t of ['one', 'two']) await c.call({ type: 'message', conversationId: conversation.id, kind: 'text', text: t })
      await c.close()
      await first.stop()

      const second = await startTestServer({}, dir)
      try {
        expect(second.demoAgent).toBeNull() // agents exist: no new demo agent
        expect((await second.loginAgent('li', 'li-password')).user.name).toBe('小李')
        expect((await second.loginCustomer('loyal')).user.id).toBe(login.user.id)
        const again = await TestClient.connect(second.wsUrl, login.token) // the old token still works
        const session = await again.request({ type: 'session' })
        expect(session.conversations.map((x: { id: string }) => x.id)).toEqual([conversation.id])
        const { messages } = await again.request({ type: 'history', conversationId: conversation.id, beforeSeq: 0 })
        expect(messages.map((m: Msg) => m.text)).toEqual(['当前暂无在线客服，您已进入排队，请稍候', 'one', 'two'])
        expect((await again.call({ type: 'message', conversationId: conversation.id, kind: 'text', text: 'three' })).seq).toBe(4)
        await again.close()
      } finally {
        await second.stop()
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('npm start (the built server as a child process)', () => {
  let build: ReturnType<typeof buildServer>
  const children: ChildServer[] = []
  const sockets: ChatClient[] = []
  let dataDir: string

  beforeAll(() => {
    build = buildServer()
    dataDir = tempDir()
  })
  afterAll(async () => {
    for (const s of sockets) s.socket.close()
    await Promise.all(children.map((c) => stopServer(c, 'SIGKILL')))
    build.remove()
    fs.rmSync(dataDir, { recursive: true, force: true })
  })

  it("prints the URLs and the demo agent's credentials, and logs JSON lines", async () => {
    const server = await spawnServer(build.dir, { DATA_DIR: dataDir, PORT: '0' })
    children.push(server)
    const banner = server.stderr()
    expect(banner).toContain(`Agent console        ${server.url}/agent/`)
    expect(banner).toContain(`Mini-program socket  ${server.wsUrl}`)
    const password = /username: demo\s+password: (\S+)/.exec(banner)?.[1]
    expect(password).toBeDefined()
    const login = await postJson(`${server.url}/api/agent/login`, { username: 'demo', password })
    expect(login.status).toBe(200)
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200)
    expect(await stopServer(server)).toBe(0)
    const lines = server.stdout().trim().split('\n')
    const events = lines.map((l) => JSON.parse(l) as { event?: string; msg: string })
    expect(events.map((e) => e.event)).toEqual(expect.arrayContaining(['listening', 'http', 'agent.login', 'shutdown', 'closed']))
    expect(server.stdout()).not.toContain(password)
  })

  it('exits with 1 and a hint when the port is taken', async () => {
    const taken = await startTestServer({ dataDir: ':memory:' })
    try {
      await expect(spawnServer(build.dir, { DATA_DIR: dataDir, PORT: String(taken.port) })).rejects.toThrow(
        /exited with 1[\s\S]*EADDRINUSE[\s\S]*set PORT to another one/,
      )
    } finally {
      await taken.stop()
    }
  })

  it('on SIGTERM closes sockets with 1001; clients reconnect to the restarted server and lose nothing', async () => {
    let server = await spawnServer(build.dir, { DATA_DIR: dataDir, PORT: '0', DEMO_AGENT_PASSWORD: 'ignored-demo-exists' })
    children.push(server)
    expect(server.stderr()).not.toMatch(/password: /) // the demo agent exists already
    const port = server.port
    const wsUrl = server.wsUrl

    const customerLogin = await postJson(`${server.url}/api/login`, { code: 'sigterm-customer' })
    const add = addAgentThroughCli(build.dir, dataDir, 'zhao', 'zhao-password')
    expect(add.status).toBe(0)
    const agentLogin = await postJson(`${server.url}/api/agent/login`, { username: 'zhao', password: 'zhao-password' })
    const customer = chatClient(wsUrl, () => customerLogin.body.token)
    const agent = chatClient(wsUrl, () => agentLogin.body.token)
    sockets.push(customer, agent)
    await Promise.all([customer.socket.connect(), agent.socket.connect()])
    const { conversation } = await customer.socket.request<{ conversation: { id: string } }>({ type: 'open' })
    const send = (c: ChatClient, text: string) => c.socket.send({ type: 'message', conversationId: conversation.id, kind: 'text', text })
    await send(customer, 'before 1')
    await send(agent, 'before 2')

    const customerClosed = customer.nextClose()
    const agentClosed = agent.nextClose()
    const exit = stopServer(server)
    for (const closed of [await customerClosed, await agentClosed]) expect(closed).toMatchObject({ code: 1001, willReconnect: true })
    expect(await exit).toBe(0)

    // While the server is down, both keep talking: ChatSocket queues.
    const customerSends = ['down c1', 'down c2', 'down c3'].map((t) => send(customer, t))
    const agentSends = ['down a1'].map((t) => send(agent, t))

    const reopened = Promise.all([customer.nextOpen(), agent.nextOpen()])
    server = await spawnServer(build.dir, { DATA_DIR: dataDir, PORT: String(port) })
    children.push(server)
    await reopened
    const acks = await Promise.all([...customerSends, ...agentSends])
    expect(acks.every((a) => a.type === 'ack' && typeof a.seq === 'number')).toBe(true)

    // Whoever reconnected second missed the other's pushes: sync (which the chat logic calls after every reconnect) has them.
    const all = await customer.socket.request<{ messages: Msg[] }>({ type: 'sync', conversationId: conversation.id, afterSeq: 0 })
    const texts = all.messages.filter((m) => m.kind === 'text').map((m) => m.text)
    expect(texts.filter((t) => t?.startsWith('down c'))).toEqual(['down c1', 'down c2', 'down c3'])
    expect(texts.sort()).toEqual(['before 1', 'before 2', 'down a1', 'down c1', 'down c2', 'down c3'])
    expect(new Set(all.messages.map((m) => m.id)).size).toBe(all.messages.length)
    expect(all.messages.map((m) => m.seq)).toEqual(all.messages.map((_, i) => i + 1))
    const agentView = await agent.socket.request<{ messages: Msg[] }>({ type: 'sync', conversationId: conversation.id, afterSeq: 0 })
    expect(agentView.messages).toEqual(all.messages)

    for (const s of sockets.splice(0)) s.socket.close()
    expect(await stopServer(server)).toBe(0)
  })
})

function addAgentThroughCli(dir: string, dataDir: string, username: string, password: string) {
  return spawnSync(process.execPath, [path.join(dir, 'agent-add.js'), username, '--password', password], {
    env: { PATH: process.env.PATH ?? '', DATA_DIR: dataDir, ...storeEnv(dataDir) },
    encoding: 'utf8',
  })
}
