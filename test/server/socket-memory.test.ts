/**
 * What the server keeps per open socket (issue 15): the HTTP upgrade (request, fastify's
 * Request/Reply, the headers) is released once the socket is open, and an idle socket's work
 * queue holds no promise. Garbage collection is forced through V8's flag; WeakRefs tell
 * whether an object is still reachable.
 */
import type { IncomingMessage } from 'node:http'
import v8 from 'node:v8'
import vm from 'node:vm'
import { Serial } from '../../server/serial'
import { startTestServer, type TestServer } from './helpers/server-harness'
import { TestClient } from './helpers/ws-client'

jest.setTimeout(30_000)

// Node has had WeakRef since 14.6; the project's `lib` (ES2020) does not declare it.
declare class WeakRef<T extends object> {
  constructor(target: T)
  deref(): T | undefined
}

v8.setFlagsFromString('--expose-gc')
const gc = vm.runInNewContext('gc') as () => void

/** Collects twice with a macrotask in between: a WeakRef's target stays alive until the current job ends. */
async function collect(): Promise<void> {
  gc()
  await new Promise((resolve) => setImmediate(resolve))
  gc()
}

describe('memory per socket', () => {
  let server: TestServer
  beforeAll(async () => {
    server = await startTestServer()
  })
  afterAll(() => server.stop())

  it('lets go of the upgrade request once the socket is open, and still reports socket errors', async () => {
    const requests: Array<WeakRef<IncomingMessage>> = []
    const onUpgrade = (req: IncomingMessage) => void requests.push(new WeakRef(req))
    server.app.server.prependListener('upgrade', onUpgrade)
    const { token } = await server.loginCustomer('memory')
    const c = await TestClient.connect(server.wsUrl, token)
    server.app.server.off('upgrade', onUpgrade)
    await c.roundTrip()
    await collect()
    expect(requests).toHaveLength(1)
    expect(requests[0]!.deref()).toBeUndefined()
    // The socket's own error listener is in place: an oversized frame still closes it with 1009.
    c.send({ type: 'message', id: 'big', kind: 'text', text: 'x'.repeat(64 * 1024) })
    expect((await c.closed).code).toBe(1009)
  })

  it('keeps no promise for an idle work queue, and keeps order while busy', async () => {
    const serial = new Serial()
    const tails = serial as unknown as { tail?: Promise<void> }
    const order: number[] = []
    let release!: () => void
    const gate = new Promise<void>((resolve) => (release = resolve))
    const first = serial.run(() => gate.then(() => void order.push(1)))
    const second = serial.run(() => void order.push(2))
    const failed = serial.run(() => Promise.reject(new Error('boom')))
    const fourth = serial.run(() => order.push(4))
    expect(tails.tail).toBeDefined()
    release()
    await first
    await second
    await expect(failed).rejects.toThrow('boom')
    await expect(fourth).resolves.toBe(3)
    await serial.idle()
    expect(order).toEqual([1, 2, 4])
    expect(tails.tail).toBeUndefined()
  })
})
