/**
 * /healthz when the database goes away (issue 11: "log and expose whether Redis and the database
 * are reachable"): a server on the real PostgreSQL reached through a TCP relay on loopback, which
 * the test cuts (every connection dropped, new ones refused) and restores on the same port.
 * Redis going away is in cluster.test.ts (a real redis-server restarted mid-conversation).
 */
import net from 'node:net'
import { schemaUrl, testDatabaseUrl, TEST_CLUSTER_SECRET } from '../helpers/test-database'
import { startTestServer, type TestServer } from '../server/helpers/server-harness'

jest.setTimeout(60_000)

/** A TCP relay to `target` on a port of its own: `cut()` drops every connection and stops listening, `restore()` listens again. */
async function startRelay(target: {
  host: string
  port: number
}): Promise<{ port: number; cut(): Promise<void>; restore(): Promise<void>; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>()
  let server: net.Server
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server = net.createServer((client) => {
        const upstream = net.connect(target.port, target.host)
        for (const s of [client, upstream]) {
          sockets.add(s)
          s.on('close', () => sockets.delete(s))
          s.on('error', () => s.destroy())
        }
        client.pipe(upstream).pipe(client)
        client.on('close', () => upstream.destroy())
        upstream.on('close', () => client.destroy())
      })
      server.once('error', reject)
      server.listen(port, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port))
    })
  const port = await listen(0)
  const cut = async () => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()))
    for (const s of sockets) s.destroy()
    await closed
  }
  return { port, cut, restore: async () => void (await listen(port)), close: cut }
}

type Health = { status: string; database: { kind: string; status: string } }

/** Polls /healthz until `check` holds: the server finds out when its next query fails or succeeds. */
async function healthUntil(server: TestServer, check: (status: number, body: Health) => boolean, what: string): Promise<Health> {
  const deadline = Date.now() + 30_000
  for (;;) {
    const res = await fetch(`${server.url}/healthz`)
    const body = (await res.json()) as Health
    if (check(res.status, body)) return body
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${res.status} ${JSON.stringify(body)}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

const run = testDatabaseUrl() === undefined ? describe.skip : describe

run('GET /healthz on PostgreSQL', () => {
  it('answers 503 with the database unavailable while it cannot be reached, and 200 again once it is back', async () => {
    const url = new URL(schemaUrl())
    const relay = await startRelay({ host: url.hostname, port: Number(url.port || 5432) })
    url.host = `127.0.0.1:${relay.port}`
    const server = await startTestServer({ databaseUrl: url.toString(), secret: TEST_CLUSTER_SECRET })
    try {
      expect(await healthUntil(server, (status) => status === 200, 'ok')).toMatchObject({
        status: 'ok',
        database: { kind: 'postgres', status: 'ok' },
      })
      await relay.cut()
      expect(await healthUntil(server, (status) => status === 503, 'the database to be reported gone')).toMatchObject({
        status: 'unavailable',
        database: { kind: 'postgres', status: 'unavailable' },
      })
      // A login needs the database: it fails cleanly, the process stays up.
      expect(
        (await fetch(`${server.url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"code":"x"}' }))
          .status,
      ).toBeGreaterThanOrEqual(500)
      await relay.restore()
      expect(await healthUntil(server, (status) => status === 200, 'the database back')).toMatchObject({
        status: 'ok',
        database: { status: 'ok' },
      })
      expect(
        (await fetch(`${server.url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"code":"x"}' }))
          .status,
      ).toBe(200)
    } finally {
      await server.stop()
      await relay.close()
    }
  })
})
