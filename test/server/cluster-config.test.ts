import path from 'node:path'
import { optionsFromEnv, resolveOptions } from '../../server/config'

const SECRET = 'x'.repeat(32)

describe('cluster settings', () => {
  it('defaults to one instance on SQLite, uploads under the data folder, no proxy trusted', () => {
    const o = resolveOptions(optionsFromEnv({}))
    expect(o).toMatchObject({ databaseUrl: null, redisUrl: null, uploadsDir: null, trustProxy: null, presenceTtlMs: 15_000 })
  })

  it('reads DATABASE_URL, REDIS_URL, UPLOADS_DIR, PRESENCE_TTL_MS and TRUST_PROXY', () => {
    const o = resolveOptions(
      optionsFromEnv({
        DATABASE_URL: 'postgres://u:p@db:5432/chat',
        REDIS_URL: 'redis://cache:6379',
        SECRET,
        UPLOADS_DIR: 'shared/uploads',
        PRESENCE_TTL_MS: '6000',
        TRUST_PROXY: '127.0.0.1,10.0.0.0/8',
      }),
    )
    expect(o).toMatchObject({
      databaseUrl: 'postgres://u:p@db:5432/chat',
      redisUrl: 'redis://cache:6379',
      uploadsDir: path.resolve('shared/uploads'),
      presenceTtlMs: 6000,
      trustProxy: '127.0.0.1,10.0.0.0/8',
    })
  })

  it.each([
    [{ DATABASE_URL: 'postgres://db/chat' }, /SECRET is required when DATABASE_URL is set/],
    [{ REDIS_URL: 'redis://cache' }, /SECRET is required when REDIS_URL is set/],
    [{ REDIS_URL: 'redis://cache', SECRET: 'short' }, /SECRET must be at least 32 characters when REDIS_URL is set/],
    [{ DATABASE_URL: 'mysql://db/chat', SECRET }, /DATABASE_URL must be a postgres:\/\/ URL/],
    [{ REDIS_URL: 'http://cache', SECRET }, /REDIS_URL must be a redis:\/\/ or rediss:\/\/ URL/],
    [{ PRESENCE_TTL_MS: '10' }, /PRESENCE_TTL_MS must be/],
  ])('refuses %j', (env, message) => {
    expect(() => optionsFromEnv(env)).toThrow(message)
    expect(() => optionsFromEnv(env)).toThrow(expect.objectContaining({ code: 'INVALID_ENV' }))
  })

  it('never repeats a database URL (it may carry a password) in an error', () => {
    expect(() => optionsFromEnv({ DATABASE_URL: 'mysql://u:hunter2@db/chat', SECRET })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('hunter2') }),
    )
  })

  it('checks the same as options, naming the option', () => {
    expect(() => resolveOptions({ databaseUrl: 'postgres://db/chat' })).toThrow(/secret is required when databaseUrl is set/)
    expect(() => resolveOptions({ redisUrl: 'redis://x', secret: 'short' })).toThrow(RangeError)
    expect(() => resolveOptions({ databaseUrl: 'postgres://db/chat', secret: SECRET })).not.toThrow()
  })
})
