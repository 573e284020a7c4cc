import * as frames from '../../server/frames'
import { Conversations } from '../../server/conversations'
import { SocketHandler } from '../../server/socket-handler'
import { SqliteStore } from '../../server/store/sqlite'
import { startTestServer, tempDir } from './helpers/server-harness'
import { TestClient } from './helpers/ws-client'
import fs from 'node:fs'

jest.setTimeout(30_000)

/** A promise the test resolves by hand. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open!: () => void
  const opened = new Promise<void>((resolve) => (open = resolve))
  return { opened, open }
}

/** The handlers are async; the frames of one socket are still handled one at a time, in order. */
describe('frames of one socket', () => {
  afterEach(() => jest.restoreAllMocks())

  it('are answered in the order they came, even when an earlier handler is still waiting on the store', async () => {
    const server = await startTestServer({ dataDir: ':memory:' })
    try {
      const c = await TestClient.connect(server.wsUrl, (await server.loginCustomer('order')).token)
      const slow = gate()
      const realSession = Conversations.prototype.session
      jest.spyOn(Conversations.prototype, 'session').mockImplementationOnce(async function (this: Conversations, actor) {
        await slow.opened
        return realSession.call(this, actor)
      })
      // The session handler is released only once the server has read the ping behind it.
      const realValidate = frames.validateFrame
      jest.spyOn(frames, 'validateFrame').mockImplementation((raw, options) => {
        const frame = realValidate(raw, options)
        if (frame.type === 'ping') slow.open()
        return frame
      })
      const reply = c.call({ type: 'session' })
      const pong = c.waitFor((f) => f.type === 'pong', 'pong')
      c.send({ type: 'ping' })
      await Promise.all([reply, pong])
      expect(c.frames.map((f) => f.type)).toEqual(['reply', 'pong'])
      await c.close()
    } finally {
      await server.stop()
    }
  })

  it('that are in flight when the server stops are committed before the database closes', async () => {
    const dir = tempDir()
    try {
      const server = await startTestServer({}, dir)
      const { token } = await server.loginCustomer('in-flight')
      const c = await TestClient.connect(server.wsUrl, token)
      const { conversation } = await c.request({ type: 'open' })
      const held = gate()
      const entered = gate()
      let handled = false
      const realMessage = Conversations.prototype.message
      jest.spyOn(Conversations.prototype, 'message').mockImplementationOnce(async function (this: Conversations, ...args) {
        entered.open()
        await held.opened
        const outcome = await realMessage.apply(this, args)
        handled = true
        return outcome
      })
      // The handler goes on once shutdown waits for handlers, or (were that wait missing) once the database is closing.
      let closedWhileHandling = false
      const realDrained = SocketHandler.prototype.drained
      jest.spyOn(SocketHandler.prototype, 'drained').mockImplementationOnce(function (this: SocketHandler) {
        held.open()
        return realDrained.call(this)
      })
      const realClose = SqliteStore.prototype.close
      jest.spyOn(SqliteStore.prototype, 'close').mockImplementation(function (this: SqliteStore) {
        if (!handled) closedWhileHandling = true
        held.open()
        return realClose.call(this)
      })
      c.send({ type: 'message', id: 'late-1', conversationId: conversation.id, kind: 'text', text: 'still stored' })
      await entered.opened
      await server.stop()
      expect(closedWhileHandling).toBe(false)
      jest.restoreAllMocks()

      const again = await startTestServer({}, dir)
      try {
        const reader = await TestClient.connect(again.wsUrl, token)
        const { messages } = await reader.request({ type: 'sync', conversationId: conversation.id, afterSeq: 0 })
        expect(messages.map((m: { id: string }) => m.id)).toContain('late-1')
        await reader.close()
      } finally {
        await again.stop()
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})
