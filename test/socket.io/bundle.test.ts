/**
 * The built mini-program file of the Socket.IO client (miniprogram_dist/socket.io/index.js:
 * ES2018, private members renamed by the build) on the faithful wx.connectSocket shim against
 * the real socket.io server: the size work in the build cannot break what ships. Run `npm run build` first.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { runInNewContext } from 'node:vm'
import type * as Entry from '../../src/socket.io/miniprogram'
import { exactlyOnce } from '../../src/socket.io-server'
import { createWxSocketShim } from '../helpers/wx-socket'
import { next, startSioServer, type SioServer } from './sio-server'

function loadBundle(): typeof Entry {
  const code = readFileSync(join(__dirname, '../../miniprogram_dist/socket.io/index.js'), 'utf8')
  const module = { exports: {} as Record<string, unknown> }
  // One realm for the bundle and the shim's ArrayBuffers, as in a mini-program.
  const sandbox = { module, exports: module.exports, Promise, setTimeout, clearTimeout, Date, Math, JSON, ArrayBuffer, globalThis: {} }
  runInNewContext(code, sandbox)
  return module.exports as unknown as typeof Entry
}

let server: SioServer
afterEach(async () => server.stop())

test('the mini-program file: two namespaces on one task, acks both ways, binary, exactly-once through a killed link', async () => {
  const helper = exactlyOnce()
  const handled: number[] = []
  server = await startSioServer((s) => {
    for (const name of ['/info', '/job']) {
      const nsp = s.of(name)
      nsp.use(helper)
      nsp.on('connection', (socket) => {
        socket.on('n', (n: number, ack: (v: unknown) => void) => {
          handled.push(n)
          ack(n * 10)
          // The first time 3 is handled the link dies before its ack goes out.
          if (n === 3 && handled.filter((x) => x === 3).length === 1) {
            ;(socket.conn as unknown as { transport: { socket: { terminate(): void } } }).transport.socket.terminate()
          }
        })
        socket.on('bin', (b: Buffer, ack: (v: unknown) => void) => ack(b.length))
      })
    }
  })
  const { io, SocketError } = loadBundle()
  const connectSocket = createWxSocketShim()
  const opts = { connectSocket, lifecycle: false, reconnect: { minDelay: 5, maxDelay: 20 } }
  const info = io(`${server.url}/info`, opts)
  const job = io(`${server.url}/job`, opts)
  await Promise.all([next(info, 'connect'), next(job, 'connect')])
  expect(connectSocket.tasks).toHaveLength(1)
  const results = await Promise.all([1, 2, 3, 4, 5].map((n) => info.emitWithAck('n', n)))
  expect(results).toEqual([10, 20, 30, 40, 50])
  expect(handled).toEqual([1, 2, 3, 4, 5])
  expect(connectSocket.tasks.length).toBeGreaterThan(1) // it reconnected
  expect(await job.emitWithAck('bin', new Uint8Array([1, 2, 3, 4]).buffer)).toBe(4)
  await expect(info.timeout(30).emitWithAck('nobody')).rejects.toBeInstanceOf(SocketError)
  info.disconnect()
  job.disconnect()
  expect(connectSocket.violations).toEqual([])
})
