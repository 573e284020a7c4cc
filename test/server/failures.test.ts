import net from 'node:net'
import { Accounts } from '../../server/accounts'
import { Conversations } from '../../server/conversations'
import { startServer } from '../../server/server'
import { postJson, startTestServer } from './helpers/server-harness'
import { TestClient } from './helpers/ws-client'

jest.setTimeout(30_000)

/** Failures that need a little help to happen: internal errors, a port in use, a client that never finishes closing. */
describe('server failure paths', () => {
  afterEach(() => jest.restoreAllMocks())

  it('answers a frame whose handler fails unexpectedly with INTERNAL, and keeps the link up', async () => {
    const server = await startTestServer({ dataDir: ':memory:' })
    try {
      const c = await TestClient.connect(server.wsUrl, (await server.loginCustomer('x')).token)
      jest.spyOn(Conversations.prototype, 'session').mockImplementationOnce(() => {
        throw new Error('disk on fire')
      })
      const answer = await c.call({ type: 'session' })
      expect(answer.error).toEqual({ code: 'INTERNAL', message: 'internal error' }) // no internals leak
      expect((await c.request({ type: 'session' })).user.role).toBe('customer')
      await c.close()
    } finally {
      await server.stop()
    }
  })

  it('answers an HTTP route that fails unexpectedly with 500 INTERNAL', async () => {
    const server = await startTestServer({ dataDir: ':memory:' })
    try {
      jest.spyOn(Accounts.prototype, 'customerLogin').mockRejectedValueOnce(new Error('db gone'))
      expect(await postJson(`${server.url}/api/login`, { code: 'x' })).toEqual({
        status: 500,
        body: { error: { code: 'INTERNAL', message: 'internal error' } },
      })
    } finally {
      await server.stop()
    }
  })

  it('rejects startServer when the port is taken', async () => {
    const first = await startTestServer({ dataDir: ':memory:' })
    try {
      await expect(startServer({ port: first.port, dataDir: ':memory:', logLevel: 'silent' })).rejects.toMatchObject({ code: 'EADDRINUSE' })
    } finally {
      await first.stop()
    }
  })

  it('rejects bad options before opening anything', async () => {
    await expect(startServer({ port: -1 })).rejects.toThrow(RangeError)
  })

  it('cuts a socket that never answers the close handshake once shutdownTimeout has passed', async () => {
    const server = await startTestServer({ dataDir: ':memory:', shutdownTimeout: 100 })
    const { token } = await server.loginCustomer('stubborn')
    // A raw TCP client: completes the upgrade, then never reads or answers anything.
    const socket = net.connect(server.port, '127.0.0.1')
    const upgraded = new Promise<void>((resolve) =>
      socket.once('data', (d) => {
        expect(d.toString()).toMatch(/^HTTP\/1.1 101/)
        socket.pause()
        resolve()
      }),
    )
    socket.write(
      [
        'GET /ws HTTP/1.1',
        `Host: 127.0.0.1:${server.port}`,
        'Upgrade: websocket',
        'Connection: Upgrade',
        'Sec-WebSocket-Version: 13',
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
        `Authorization: Bearer ${token}`,
        '',
        '',
      ].join('\r\n'),
    )
    await upgraded
    const ended = new Promise<void>((resolve) => socket.once('close', () => resolve()))
    socket.resume() // let the close frame in, but never answer it
    socket.on('data', () => undefined)
    await server.stop()
    await ended
  })
})
