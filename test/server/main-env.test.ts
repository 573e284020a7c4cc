import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { buildServer } from './helpers/built-server'

jest.setTimeout(60_000)

// `npm start` as built (esbuild, CommonJS): a bad variable stops it before it listens, naming the variable.
describe('npm start with a bad environment', () => {
  let build: ReturnType<typeof buildServer>
  const start = (env: Record<string, string>) =>
    spawnSync(process.execPath, [path.join(build.dir, 'main.js')], {
      env: { PATH: process.env.PATH ?? '', DATA_DIR: ':memory:', ...env },
      encoding: 'utf8',
      timeout: 30_000,
    })

  beforeAll(() => {
    build = buildServer()
  })
  afterAll(() => build.remove())

  it.each([
    [{ PORT: 'eighty' }, /server failed to start: PORT must be a whole number, got "eighty"/],
    [{ PORT: '70000' }, /server failed to start: PORT must be an integer from 0 to 65535, got "70000"/],
    [{ WX_APPID: 'wx1' }, /server failed to start: WX_APPID and WX_SECRET must be set together/],
    [
      { LOG_LEVEL: 'loud', TOKEN_TTL: 'soon' },
      /TOKEN_TTL must be seconds or a number with s, m, h or d .*, got "soon"; LOG_LEVEL must be one of/,
    ],
  ])('exits 1 for %j', (env, message) => {
    const res = start(env)
    expect(res.status).toBe(1)
    expect(res.stderr).toMatch(message)
    expect(res.stderr).not.toMatch(/listening/)
  })
})
