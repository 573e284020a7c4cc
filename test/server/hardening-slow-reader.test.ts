/**
 * Issue 9, defect 1: a client that stops reading but keeps asking must not grow the server's
 * memory without bound. Over `limits.socketBufferedBytes` unsent bytes the socket is closed
 * with SLOW_READER (4009) and cut soon after; only a pong counts as liveness.
 */
import type { Socket } from 'node:net'
import WebSocket from 'ws'
import { CloseCodes } from '../../src/protocol'
import { SLOW_READER_CUT_MS } from '../../server/limits'
import { ManualClock } from '../helpers/manual-clock'
import { waitFor } from '../helpers/wait-for'
import { startTestServer, type TestServer } from './helpers/server-harness'
import { TestClient } from './helpers/ws-client'

jest.setTimeout(60_000)

const CAP = 256 * 1024
const SYNCS = 20

async function connections(server: TestServer): Promise<number> {
  const res = await fetch(`${server.url}/healthz`)
  return ((await res.json()) as { connections: number }).connections
}

/** The client's TCP socket: pausing it stops reading, as a stalled phone would. */
function tcp(client: TestClient): Socket {
  return (client.ws as unknown as { _socket: Socket })._socket
}

describe('a socket that stops reading (defect 1)', () => {
  let server: TestServer
  let clock: ManualClock
  let token: string
  let conversationId: string

  beforeAll(async () => {
    clock = new ManualClock()
    server = await startTestServer({
      dataDir: ':memory:',
      clock,
      textMaxLength: 20_000,
      rateLimit: { rate: 1000, burst: 1000 },
      limits: { socketBufferedBytes: CAP },
    })
    token = (await server.loginCustomer('slow-reader')).token
    const writer = await TestClient.connect(server.wsUrl, token)
    // 20 messages of 20,000 CJK characters: a sync page is about 1.2 MB.
    const text = '慢'.repeat(20_000)
    for (let i = 0; i < 20; i++) {
      const ack = await writer.call({ type: 'message', kind: 'text', text })
      conversationId = ack.conversationId as string
    }
    await writer.close()
    await waitFor(() => clock.delays().length >= 1, 'the sweep timer')
  })
  afterAll(() => server.stop())

  it('is closed with SLOW_READER once too much waits unsent, and the client reads that code', async () => {
    const client = await TestClient.connect(server.wsUrl, token)
    tcp(client).pause()
    for (let i = 0; i < SYNCS; i++) client.send({ type: 'sync', id: `s${i}`, conversationId, afterSeq: 0, limit: 200 })
    // The server has given up on the socket: its cut timer is set.
    await clock.started(1, SLOW_READER_CUT_MS)
    tcp(client).resume()
    const closed = await client.closed
    expect(closed).toEqual({ code: CloseCodes.SLOW_READER, reason: 'reading too slowly' })
    // Some replies were dropped instead of buffered: at most the cap plus one reply (and what TCP held) went out.
    expect(client.frames.filter((f) => f.type === 'reply').length).toBeLessThan(SYNCS)
    await waitFor(() => clock.delays(SLOW_READER_CUT_MS).length === 0, 'the cut timer cleared by the close')
  })

  it('is cut when it never reads its close frame, and the server lets go of it', async () => {
    const client = await TestClient.connect(server.wsUrl, token)
    expect(await connections(server)).toBe(1)
    tcp(client).pause()
    for (let i = 0; i < SYNCS; i++) client.send({ type: 'sync', id: `t${i}`, conversationId, afterSeq: 0, limit: 200 })
    await clock.started(1, SLOW_READER_CUT_MS)
    clock.runAll(SLOW_READER_CUT_MS)
    let count = -1
    while (count !== 0) count = await connections(server)
    client.ws.terminate()
  })

  it('keeps a client that reads, however much it asks for', async () => {
    const client = await TestClient.connect(server.wsUrl, token)
    for (let i = 0; i < 5; i++) {
      const data = await client.request<{ messages: unknown[] }>({ type: 'sync', conversationId, afterSeq: 0, limit: 200 })
      expect(data.messages.length).toBeGreaterThan(20) // the 20 texts and the queue notice
    }
    expect(client.ws.readyState).toBe(WebSocket.OPEN)
    await client.close()
  })
})

describe('liveness (defect 1)', () => {
  it('drops a client that keeps sending frames but never answers a protocol ping', async () => {
    const SWEEP = 30_000
    const clock = new ManualClock()
    const server = await startTestServer({ dataDir: ':memory:', pingInterval: SWEEP, clock })
    try {
      const token = (await server.loginCustomer('writes-only')).token
      const client = await TestClient.connect(server.wsUrl, token, { wsOptions: { autoPong: false } })
      const pinged = new Promise<void>((resolve) => client.ws.once('ping', () => resolve()))
      clock.runAll(SWEEP)
      await pinged
      // A frame after the ping: it shows the client writes, not that it reads.
      await client.call({ type: 'session' })
      clock.runAll(SWEEP)
      expect((await client.closed).code).toBe(CloseCodes.ABNORMAL)
    } finally {
      await server.stop()
    }
  })
})
