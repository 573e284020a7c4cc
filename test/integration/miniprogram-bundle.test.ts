/**
 * The built mini-program bundle (miniprogram_dist/index.js: ES2018, private members renamed by
 * the build, CommonJS exports written by scripts/build.mjs) driven on the faithful
 * wx.connectSocket shim against a real ws server: the same behaviour as the sources, so the
 * size work in the build cannot break what ships. Run `npm run build` first.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { runInNewContext } from 'node:vm'
import type * as Library from '../../src/miniprogram'
import { AckServer } from '../helpers/ack-server'
import { createWxSocketShim } from '../helpers/wx-socket'

const root = join(__dirname, '../..')

function loadBundle(): typeof Library {
  const code = readFileSync(join(root, 'miniprogram_dist/index.js'), 'utf8')
  const module = { exports: {} as Record<string, unknown> }
  runInNewContext(code, { module, exports: module.exports, Promise, setTimeout, clearTimeout, Date, Math, JSON, globalThis: {} })
  return module.exports as unknown as typeof Library
}

let server: AckServer
beforeEach(async () => {
  server = await AckServer.start()
})
afterEach(async () => {
  await server.stop()
})

describe('the mini-program bundle', () => {
  it('sends in order with acks, replays after a killed link with the same ids, posts, and closes without timers left', async () => {
    const { ChatSocket } = loadBundle()
    const connectSocket = createWxSocketShim()
    const socket = new ChatSocket({
      url: server.url,
      connectSocket,
      lifecycle: false,
      heartbeat: { interval: 60_000, timeout: 10_000 },
      reconnect: { minDelay: 10, maxDelay: 50, jitter: 0 },
    })
    const states: string[] = []
    socket.on('state', ({ to }) => states.push(to))
    await socket.connect()
    const first = await Promise.all([1, 2, 3].map((n) => socket.send({ type: 'message', n })))
    expect(first.map((ack) => ack.type)).toEqual(['ack', 'ack', 'ack'])
    server.dropBeforeAck = 1
    const pending = [4, 5].map((n) => socket.send({ type: 'message', n }))
    await server.waitFor(() => states.includes('reconnecting'), 10_000, 'the link dropped before the ack')
    server.dropBeforeAck = 0
    await Promise.all(pending)
    expect(server.frames.map((f) => f.n)).toEqual([1, 2, 3, 4, 5])
    // n = 4 was stored, its ack lost with the link, and it came again with the same id.
    const fours = server.received.filter((f) => f.n === 4).map((f) => f.id)
    expect(fours.length).toBeGreaterThanOrEqual(2)
    expect(new Set(fours)).toEqual(new Set([server.frames[3]?.id]))
    expect(socket.post({ type: 'typing', id: 'p1' })).toBe(true)
    await server.waitFor(() => server.frames.some((f) => f.id === 'p1'), 10_000, 'the post arrived')
    socket.close()
    expect(socket.state).toBe('closed')
    expect(socket.post({ type: 'typing' })).toBe(false)
    expect(connectSocket.violations).toEqual([])
  })

  it('refuses bad options at construction, naming the option', () => {
    const { ChatSocket } = loadBundle()
    const make = (patch: object) => () =>
      new ChatSocket({ url: server.url, connectSocket: createWxSocketShim(), autoConnect: false, lifecycle: false, ...patch })
    expect(make({ heartbeat: { interval: 0 } })).toThrow(/options\.heartbeat\.interval must be a number > 0, got 0/)
    expect(make({ queue: { maxSize: 1.5 } })).toThrow(/options\.queue\.maxSize must be an integer >= 1, got 1.5/)
    expect(make({ hearbeat: {} })).toThrow(/options\.hearbeat is not a ChatSocket option/)
    // The bundle runs in its own realm: its RangeError is not this one's, so check the name.
    expect(make({ reconnect: { jitter: 2 } })).toThrow(expect.objectContaining({ name: 'RangeError' }) as Error)
  })
})
