/**
 * Issue 9, defect 13: after a reconnect, a ChatSocket replaying a long offline queue ran into
 * the server's frame limit (20/s, burst 40) and part of the replay was refused with
 * RATE_LIMITED. The chat clients now pace their writes for that limit (`queue.rate`/`burst`
 * from `paceFor(FRAME_RATE_LIMIT)`): every one of 300 queued sends is accepted, once, in the
 * order it was typed, and none times out although the replay outlasts `sendTimeout`.
 * Real server (default limits) on loopback, ChatSocket over the Node adapter.
 */
import type { ChatSocket, QueueOptions } from '../../src'
import { FRAME_RATE_LIMIT, paceFor } from '../../src/chat'
import { chatClient, gate } from './helpers/chat-socket-client'
import { startTestServer, type TestServer } from './helpers/server-harness'

jest.setTimeout(90_000)

const REPLAY = 300

describe('a replay after a reconnect meets the frame limit', () => {
  let server: TestServer
  const sockets: ChatSocket[] = []

  beforeEach(async () => {
    server = await startTestServer({ dataDir: ':memory:' })
  })
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.close()
    await server.stop()
  })

  /**
   * A customer whose link the test cuts and holds down while REPLAY messages are typed, then
   * lets back up. `queue` is the socket's whole queue setting (`{}`: ChatSocket's defaults,
   * sendTimeout 15 s). Resolves with each send's outcome, in send order, and the conversation.
   */
  async function replayAfterOutage(queue: QueueOptions) {
    expect(server.app.websocketServer.clients.size).toBe(0)
    const { token } = await server.loginCustomer('replay-customer')
    const entry = gate()
    const url = async (): Promise<string> => {
      await entry.wait()
      return server.wsUrl
    }
    const { socket } = chatClient(url, () => token, { queue })
    sockets.push(socket)
    await socket.connect()
    const { conversation } = await socket.request<{ conversation: { id: string } }>({ type: 'open' })

    entry.close()
    const closed = new Promise((resolve) => socket.on('close', resolve))
    for (const ws of server.app.websocketServer.clients) ws.terminate()
    await closed
    const texts = Array.from({ length: REPLAY }, (_, i) => `离线消息 ${i + 1}`)
    const outcomes = Promise.allSettled(
      texts.map((text) => socket.send({ type: 'message', conversationId: conversation.id, kind: 'text', text })),
    )
    expect(socket.pending).toBe(REPLAY)
    entry.open()
    return { socket, conversationId: conversation.id, texts, outcomes: await outcomes }
  }

  it('paced as the chat clients are, all 300 are accepted once, in typing order, none refused or timed out', async () => {
    const { socket, conversationId, texts, outcomes } = await replayAfterOutage(paceFor(FRAME_RATE_LIMIT))
    const refused = outcomes.filter((o) => o.status === 'rejected').map((o) => o.reason as Error)
    expect(refused.map((e) => e.message)).toEqual([])
    const seqs = outcomes.map((o) => (o as PromiseFulfilledResult<{ seq?: unknown }>).value.seq as number)
    // Accepted in the order typed: seqs rise with the send order, with no gap (nothing else was written).
    expect(seqs).toEqual(seqs.map((_, i) => seqs[0]! + i))
    // What the server stored: each text once, in order.
    const stored: string[] = []
    let afterSeq = seqs[0]! - 1
    while (stored.length < REPLAY) {
      const page = await socket.request<{ messages: Array<{ text?: string; seq: number }> }>({
        type: 'sync',
        conversationId,
        afterSeq,
        limit: 200,
      })
      if (page.messages.length === 0) break
      stored.push(...page.messages.map((m) => m.text ?? ''))
      afterSeq = page.messages.at(-1)!.seq
    }
    expect(stored).toEqual(texts)
  })

  it('unpaced (ChatSocket without queue.rate), the server refuses part of the same replay with RATE_LIMITED', async () => {
    const { outcomes } = await replayAfterOutage({})
    const codes = outcomes.filter((o) => o.status === 'rejected').map((o) => o.reason.serverCode)
    // The scenario the pacing is for: without it, everything past the burst (minus what refilled meanwhile) is refused.
    expect(codes.length).toBeGreaterThan(REPLAY / 2)
    expect(new Set(codes)).toEqual(new Set(['RATE_LIMITED']))
  })
})
