import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { buildServer } from './helpers/built-server'
import { postJson, startTestServer, tempDir } from './helpers/server-harness'
import { storeEnv } from '../helpers/test-database'

jest.setTimeout(60_000)

describe('npm run agent:add', () => {
  let build: ReturnType<typeof buildServer>
  let dataDir: string
  const run = (args: string[], input?: string) =>
    spawnSync(process.execPath, [path.join(build.dir, 'agent-add.js'), ...args], {
      env: { PATH: process.env.PATH ?? '', DATA_DIR: dataDir, ...storeEnv(dataDir) },
      encoding: 'utf8',
      ...(input !== undefined ? { input } : {}),
    })

  beforeAll(() => {
    build = buildServer()
    dataDir = tempDir()
  })
  afterAll(() => {
    build.remove()
    fs.rmSync(dataDir, { recursive: true, force: true })
  })

  it('adds an agent who can then log in (and then no demo agent is created)', async () => {
    const res = run(['alice', '--password', 'alice-password', '--name', '小丽'])
    expect(res.status).toBe(0)
    expect(res.stdout).toMatch(/added agent alice \(小丽, id a_\w+\)/)
    const piped = run(['bob'], 'bob-password\n')
    expect(piped.status).toBe(0)
    const server = await startTestServer({}, dataDir)
    try {
      expect(server.demoAgent).toBeNull()
      expect((await server.loginAgent('alice', 'alice-password')).user).toMatchObject({ name: '小丽', role: 'agent' })
      expect((await server.loginAgent('bob', 'bob-password')).user.name).toBe('bob')
      expect((await postJson(`${server.url}/api/agent/login`, { username: 'demo', password: 'demo-password-1' })).status).toBe(401)
    } finally {
      await server.stop()
    }
  })

  it('refuses a taken username, and --reset sets a new password', async () => {
    const again = run(['alice', '--password', 'other-password'])
    expect(again.status).toBe(1)
    expect(again.stderr).toMatch(/agent alice already exists \(use --reset/)
    const reset = run(['alice', '--password', 'new-alice-password', '--reset'])
    expect(reset.status).toBe(0)
    expect(reset.stdout).toMatch(/reset the password of agent alice/)
    const server = await startTestServer({}, dataDir)
    try {
      expect((await server.loginAgent('alice', 'new-alice-password')).user.name).toBe('小丽')
      expect((await postJson(`${server.url}/api/agent/login`, { username: 'alice', password: 'alice-password' })).status).toBe(401)
    } finally {
      await server.stop()
    }
  })

  it.each([
    [[], /usage: npm run agent:add -- USERNAME/],
    [['carol', '--password', 'short'], /password must be 8 to 256 characters/],
    [['bad name!', '--password', 'long-enough-1'], /username must be/],
    [['carol', '--bogus'], /unknown option --bogus/],
    [['carol', '--password'], /--password needs a value/],
  ])('fails with a message for %j', (args, message) => {
    const res = run(args)
    expect(res.status).toBe(1)
    expect(res.stderr).toMatch(message)
  })
})
