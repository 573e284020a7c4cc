/**
 * Issue 9, defect 2: the agent-login limit held whatever the concurrency. Each attempt is
 * counted when it arrives (@fastify/rate-limit's onRequest hook), before the password hash.
 */
import { DEMO, postJson, startTestServer } from './helpers/server-harness'

jest.setTimeout(60_000)

const wrong = { username: DEMO.username, password: 'wrong-password' }

describe('agent logins under a concurrent burst (defect 2)', () => {
  it('checks at most the burst; the rest get 429 at once, and the next burst gets only 429', async () => {
    const server = await startTestServer({ dataDir: ':memory:', loginRateLimit: { rate: 1 / 6, burst: 10 } })
    try {
      const burst = () => Promise.all(Array.from({ length: 60 }, () => fetch(`${server.url}/api/agent/login`, post(wrong))))
      const first = await burst()
      const statuses = first.map((r) => r.status)
      expect(statuses.filter((s) => s === 401)).toHaveLength(10)
      expect(statuses.filter((s) => s === 429)).toHaveLength(50)
      const refused = first.find((r) => r.status === 429)!
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0)
      expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(60)
      expect(await refused.json()).toEqual({
        error: {
          code: 'RATE_LIMITED',
          message: expect.stringMatching(/^too many agent logins from this address: at most 10 per 60 s; retry in \d+ s$/),
        },
      })
      const second = await burst()
      expect(second.map((r) => r.status).every((s) => s === 429)).toBe(true)
      // The right password is refused too while the window lasts; customer logins are not counted here.
      expect((await postJson(`${server.url}/api/agent/login`, DEMO)).status).toBe(429)
      expect((await postJson(`${server.url}/api/login`, { code: 'x' })).status).toBe(200)
    } finally {
      await server.stop()
    }
  })

  it('counts in the store it is given (several instances share one, e.g. Redis)', async () => {
    const keys: string[] = []
    class CountingStore {
      private readonly counts = new Map<string, number>()
      incr(key: string, cb: (err: Error | null, result: { current: number; ttl: number }) => void, timeWindow: number): void {
        keys.push(key)
        const current = (this.counts.get(key) ?? 0) + 1
        this.counts.set(key, current)
        cb(null, { current, ttl: timeWindow })
      }
      child(): CountingStore {
        return this
      }
    }
    const server = await startTestServer({
      dataDir: ':memory:',
      loginRateLimit: { rate: 1, burst: 2 },
      httpRateLimitStore: { store: CountingStore },
    })
    try {
      const statuses = []
      for (let i = 0; i < 3; i++) statuses.push((await postJson(`${server.url}/api/agent/login`, wrong)).status)
      expect(statuses).toEqual([401, 401, 429])
      expect(keys).toHaveLength(3)
      expect(keys[0]).toContain('127.0.0.1')
    } finally {
      await server.stop()
    }
  })
})

function post(body: unknown): RequestInit {
  return { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }
}
