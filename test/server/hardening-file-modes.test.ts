/**
 * Issue 9, defect 12: the data folder is 0700 and chat.db, -wal and -shm are 0600 (password
 * hashes, every message), as `secret` already was; an older data folder is tightened at start.
 */
import fs from 'node:fs'
import path from 'node:path'
import { startTestServer, tempDir } from './helpers/server-harness'

jest.setTimeout(30_000)

const mode = (file: string): number => fs.statSync(file).mode & 0o777

describe('file modes of the data folder (defect 12)', () => {
  let root: string
  beforeEach(() => {
    root = tempDir('chat-modes-')
  })
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }))

  it('creates the folder 0700 and the database, its -wal and -shm 0600', async () => {
    const dataDir = path.join(root, 'data')
    const server = await startTestServer({}, dataDir)
    try {
      await server.loginCustomer('modes') // a write: the -wal and -shm exist now
      expect(mode(dataDir)).toBe(0o700)
      for (const name of ['chat.db', 'chat.db-wal', 'chat.db-shm', 'secret'])
        expect([name, mode(path.join(dataDir, name))]).toEqual([name, 0o600])
    } finally {
      await server.stop()
    }
  })

  it('tightens a folder and database an older start left readable', async () => {
    const dataDir = path.join(root, 'old')
    fs.mkdirSync(dataDir, { mode: 0o755 })
    fs.chmodSync(dataDir, 0o755)
    const first = await startTestServer({}, dataDir)
    await first.stop()
    fs.chmodSync(dataDir, 0o755)
    fs.chmodSync(path.join(dataDir, 'chat.db'), 0o644)
    const server = await startTestServer({}, dataDir)
    try {
      expect(mode(dataDir)).toBe(0o700)
      expect(mode(path.join(dataDir, 'chat.db'))).toBe(0o600)
    } finally {
      await server.stop()
    }
  })
})
