import path from 'node:path'
import { DEFAULTS, optionsFromEnv, parseDuration, resolveOptions } from '../../server/config'

describe('resolveOptions', () => {
  it('sets defaults', () => {
    const o = resolveOptions()
    expect(o.port).toBe(8080)
    expect(o.host).toBe('127.0.0.1')
    expect(o.dataDir).toBe(path.resolve('data'))
    expect(o.tokenTtl).toBe(7 * 24 * 3600)
    expect(o.wechat).toBeNull()
    expect(o.logLevel).toBe('info')
    expect(o.uploadMaxBytes).toBe(5 * 1024 * 1024)
    expect(o.rateLimit).toEqual({ rate: 20, burst: 40 })
    expect(o.consoleDir).toBe(path.resolve('build/console'))
    expect(o.demoAgent).toEqual({ username: 'demo', name: '小美' })
    expect(o.pingInterval).toBe(30_000)
    expect(o.textMaxLength).toBe(2000)
    expect(o.sqliteSynchronous).toBe('normal')
    expect(o.agentGraceMs).toBe(30_000)
    expect(typeof o.clock.setTimeout).toBe('function')
    expect(o.secret).toBeUndefined()
  })

  it('keeps 0 and other falsy values instead of falling back to defaults', () => {
    const o = resolveOptions({ port: 0, shutdownTimeout: 0, agentGraceMs: 0 })
    expect(o.port).toBe(0)
    expect(o.shutdownTimeout).toBe(0)
    expect(o.agentGraceMs).toBe(0)
  })

  it('keeps :memory: as it is', () => {
    expect(resolveOptions({ dataDir: ':memory:' }).dataDir).toBe(':memory:')
  })

  it('turns the demo agent off with false', () => {
    expect(resolveOptions({ demoAgent: false }).demoAgent).toBe(false)
  })

  it.each([
    [{ port: 70000 }, RangeError, /port must be an integer from 0 to 65535/],
    [{ port: 1.5 }, RangeError, /port/],
    [{ tokenTtl: 0 }, RangeError, /tokenTtl/],
    [{ uploadMaxBytes: -1 }, RangeError, /uploadMaxBytes/],
    [{ rateLimit: { rate: 0, burst: 40 } }, RangeError, /rateLimit.rate/],
    [{ rateLimit: { rate: 5, burst: 0 } }, RangeError, /rateLimit.burst/],
    [{ logLevel: 'loud' as never }, RangeError, /logLevel must be one of/],
    [{ sqliteSynchronous: 'off' as never }, RangeError, /sqliteSynchronous/],
    [{ agentGraceMs: -1 }, RangeError, /agentGraceMs must be an integer from 0/],
    [{ agentGraceMs: 2 ** 31 }, RangeError, /agentGraceMs/],
    [{ clock: { setTimeout: () => 0 } as never }, TypeError, /clock must be \{ now, setTimeout, clearTimeout \}/],
    [{ host: '' }, TypeError, /host must be a non-empty string/],
    [{ wechat: { appId: 'wx1', secret: '' } }, TypeError, /wechat.secret/],
    [{ fetch: 'nope' as never }, TypeError, /fetch must be a function/],
    [{ port: '80' as never }, RangeError, /port must be an integer from 0 to 65535, got "80"/],
    [{ rateLimit: 'x' as never }, TypeError, /rateLimit must be an object \{ rate, burst \}/],
    [{ rateLimit: { rate: 5 } as never }, RangeError, /rateLimit.burst must be an integer ≥ 1, got nothing/],
    [{ rateLimit: { rate: Infinity, burst: 1 } }, RangeError, /rateLimit.rate must be a positive number, got Infinity/],
    [{ wechat: 'x' as never }, TypeError, /wechat must be an object \{ appId, secret \} or null/],
    [{ demoAgent: 'x' as never }, TypeError, /demoAgent must be an object \{ username\?, password\?, name\? \} or false/],
    [{ demoAgent: { username: '' } }, TypeError, /demoAgent.username must be a non-empty string/],
    [null as never, TypeError, /options must be an object \{ port\?/],
  ])('rejects %j at once', (options, type, message) => {
    expect(() => resolveOptions(options)).toThrow(type)
    expect(() => resolveOptions(options)).toThrow(message)
    expect(() => resolveOptions(options)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }))
  })

  it('takes wechat: null as dev mode', () => {
    expect(resolveOptions({ wechat: null }).wechat).toBeNull()
  })
})

describe('optionsFromEnv', () => {
  it('reads nothing from an empty environment', () => {
    expect(optionsFromEnv({})).toEqual({})
  })

  it('reads every documented variable', () => {
    const o = optionsFromEnv({
      PORT: '9000',
      HOST: '0.0.0.0',
      DATA_DIR: '/tmp/x',
      SECRET: 's'.repeat(32),
      TOKEN_TTL: '12h',
      WX_APPID: 'wxid',
      WX_SECRET: 'wxsecret',
      LOG_LEVEL: 'debug',
      UPLOAD_MAX_BYTES: '1000',
      RATE_LIMIT_RATE: '5',
      RATE_LIMIT_BURST: '10',
      CONSOLE_DIR: '/tmp/console',
      DEMO_AGENT_PASSWORD: 'pass-word-1',
      PING_INTERVAL: '1000',
      SQLITE_SYNCHRONOUS: 'FULL',
      AGENT_GRACE_MS: '5000',
    })
    expect(o).toEqual({
      port: 9000,
      host: '0.0.0.0',
      dataDir: '/tmp/x',
      secret: 's'.repeat(32),
      tokenTtl: 43200,
      wechat: { appId: 'wxid', secret: 'wxsecret' },
      logLevel: 'debug',
      uploadMaxBytes: 1000,
      rateLimit: { rate: 5, burst: 10 },
      consoleDir: '/tmp/console',
      demoAgent: { password: 'pass-word-1' },
      pingInterval: 1000,
      sqliteSynchronous: 'full',
      agentGraceMs: 5000,
    })
    expect(() => resolveOptions(o)).not.toThrow()
  })

  it('fills the other half of the rate limit from the defaults', () => {
    expect(optionsFromEnv({ RATE_LIMIT_BURST: '5' }).rateLimit).toEqual({ rate: DEFAULTS.rateLimit.rate, burst: 5 })
  })

  it('treats empty variables as unset', () => {
    expect(optionsFromEnv({ PORT: '', SECRET: '  ' })).toEqual({})
  })

  it('names the variable when a value is bad', () => {
    expect(() => optionsFromEnv({ PORT: 'eighty' })).toThrow(/PORT must be a whole number, got "eighty"/)
    expect(() => optionsFromEnv({ UPLOAD_MAX_BYTES: '5MB' })).toThrow(/UPLOAD_MAX_BYTES/)
    expect(() => optionsFromEnv({ RATE_LIMIT_RATE: 'fast' })).toThrow(/RATE_LIMIT_RATE must be a number/)
    expect(() => optionsFromEnv({ TOKEN_TTL: 'soon' })).toThrow(/TOKEN_TTL/)
    expect(() => optionsFromEnv({ AGENT_GRACE_MS: '30s' })).toThrow(/AGENT_GRACE_MS must be a whole number, got "30s"/)
    expect(() => optionsFromEnv({ LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL must be one of "fatal", .*, got "loud"/)
    expect(() => optionsFromEnv({ SQLITE_SYNCHRONOUS: 'off' })).toThrow(/SQLITE_SYNCHRONOUS must be one of "normal", "full", got "off"/)
    expect(() => optionsFromEnv({ PORT: 'eighty' })).toThrow(expect.objectContaining({ name: 'RangeError', code: 'INVALID_ENV' }))
  })

  it.each([['1e3'], ['0x1F'], ['1.0'], ['-5'], ['+80']])('takes only digits for a whole number: PORT=%s is refused', (value) => {
    expect(() => optionsFromEnv({ PORT: value })).toThrow(`PORT must be a whole number, got "${value}"`)
  })

  it('takes decimals for RATE_LIMIT_RATE, and spaces around numbers', () => {
    expect(optionsFromEnv({ RATE_LIMIT_RATE: '.5', PORT: ' 80 ', TOKEN_TTL: ' 7 d ' })).toEqual({
      rateLimit: { rate: 0.5, burst: 40 },
      port: 80,
      tokenTtl: 604800,
    })
    expect(() => optionsFromEnv({ RATE_LIMIT_RATE: '0x10' })).toThrow(/RATE_LIMIT_RATE must be a number, got "0x10"/)
  })

  it("names the variable when a value is out of the option's range", () => {
    expect(() => optionsFromEnv({ PORT: '70000' })).toThrow(/PORT must be an integer from 0 to 65535, got "70000"/)
    expect(() => optionsFromEnv({ RATE_LIMIT_RATE: '0' })).toThrow(/RATE_LIMIT_RATE must be a positive number, got "0"/)
    expect(() => optionsFromEnv({ RATE_LIMIT_BURST: '0' })).toThrow(/RATE_LIMIT_BURST must be an integer ≥ 1, got "0"/)
    expect(() => optionsFromEnv({ TOKEN_TTL: '0d' })).toThrow(/TOKEN_TTL must be an integer ≥ 1, got "0d"/)
    expect(() => optionsFromEnv({ AGENT_GRACE_MS: String(2 ** 31) })).toThrow(/AGENT_GRACE_MS must be an integer from 0 to 2147483647/)
    expect(() => optionsFromEnv({ PING_INTERVAL: '0' })).toThrow(expect.objectContaining({ name: 'RangeError', code: 'INVALID_ENV' }))
  })

  it('reports every bad variable at once', () => {
    expect(() => optionsFromEnv({ PORT: 'x', UPLOAD_MAX_BYTES: '5MB', LOG_LEVEL: 'loud' })).toThrow(
      /PORT must be a whole number, got "x"; LOG_LEVEL must be one of .*; UPLOAD_MAX_BYTES must be a whole number, got "5MB"/,
    )
  })

  it('reads SQLITE_SYNCHRONOUS in either case and ignores variables it does not know', () => {
    expect(optionsFromEnv({ SQLITE_SYNCHRONOUS: 'Full', PATH: '/bin', HOME: '/root' })).toEqual({ sqliteSynchronous: 'full' })
  })

  it('wants WX_APPID and WX_SECRET together', () => {
    expect(() => optionsFromEnv({ WX_APPID: 'wxid' })).toThrow(TypeError)
    expect(() => optionsFromEnv({ WX_SECRET: 'x' })).toThrow(
      /WX_SECRET and WX_APPID must be set together \(.*neither for dev-mode logins\)/,
    )
    expect(() => optionsFromEnv({ WX_APPID: 'wxid', WX_SECRET: '  ' })).toThrow(expect.objectContaining({ code: 'INVALID_ENV' }))
  })
})

describe('parseDuration', () => {
  it.each([
    ['3600', 3600],
    ['90m', 5400],
    ['12h', 43200],
    ['7d', 604800],
    ['30s', 30],
  ])('reads %s', (text, seconds) => {
    expect(parseDuration('TOKEN_TTL', text)).toBe(seconds)
  })

  it('rejects anything else', () => {
    expect(() => parseDuration('TOKEN_TTL', '1w')).toThrow(RangeError)
    expect(() => parseDuration('TOKEN_TTL', '-5')).toThrow(RangeError)
  })
})
