/**
 * Issue 9, defects 4 and 10: uploads over real HTTP on a real server. A truncated or malformed
 * multipart body is a 400 in the one error shape, a client that goes away mid-upload is not an
 * error in the log, the file is streamed to disk as it arrives with the cap enforced on the way
 * (no partial file left behind), and each user has an upload rate.
 */
import fs from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import { PNG } from './helpers/images'
import { startTestServer, type TestServer } from './helpers/server-harness'

jest.setTimeout(60_000)

const BOUNDARY = '----chat-test-boundary'
const partHead = (filename = 'a.png') =>
  Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: image/png\r\n\r\n`)
const partEnd = Buffer.from(`\r\n--${BOUNDARY}--\r\n`)

/** The server's log lines, parsed, with a wait for a line that matches. */
function captureLog() {
  const lines: Array<Record<string, unknown>> = []
  const waiters: Array<{ match: (line: Record<string, unknown>) => boolean; resolve: () => void }> = []
  return {
    lines,
    stream: {
      write(text: string) {
        const line = JSON.parse(text) as Record<string, unknown>
        lines.push(line)
        for (const w of waiters.splice(0))
          if (w.match(line)) w.resolve()
          else waiters.push(w)
      },
    },
    waitFor(match: (line: Record<string, unknown>) => boolean): Promise<void> {
      if (lines.some(match)) return Promise.resolve()
      return new Promise((resolve) => waiters.push({ match, resolve }))
    },
  }
}

/** An upload request whose body the test writes itself (`content-length` as given, or the body's). */
function openUpload(server: TestServer, token: string, contentLength: number) {
  const url = new URL('/api/upload', server.url)
  const req = http.request(url, {
    method: 'POST',
    // A connection per request: one that a refused upload left half-read is never reused.
    agent: false,
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': `multipart/form-data; boundary=${BOUNDARY}`,
      'content-length': String(contentLength),
    },
  })
  const response = new Promise<{ status: number; body: any }>((resolve, reject) => {
    req.on('response', (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (c: string) => (text += c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text === '' ? null : JSON.parse(text) }))
    })
    req.on('error', reject)
  })
  return { req, response }
}

async function send(server: TestServer, token: string, body: Buffer): Promise<{ status: number; body: any }> {
  const { req, response } = openUpload(server, token, body.length)
  req.end(body)
  return response
}

/** Resolves once `check` is true, checked on each turn of the event loop (no fixed sleep). */
function until(check: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const poll = (): void => (check() ? resolve() : void setImmediate(poll))
    poll()
  })
}

const errorLines = (lines: Array<Record<string, unknown>>) => lines.filter((l) => typeof l.level === 'number' && l.level >= 50)

describe('uploads (defects 4 and 10)', () => {
  let server: TestServer
  let log: ReturnType<typeof captureLog>
  let token: string
  let uploadsDir: string
  const MAX = 64 * 1024

  beforeAll(async () => {
    log = captureLog()
    server = await startTestServer({
      logLevel: 'info',
      logStream: log.stream,
      uploadMaxBytes: MAX,
      limits: { uploads: { rate: 0.01, burst: 1000 } },
    })
    token = (await server.loginCustomer('uploads-hardening')).token
    uploadsDir = path.join(server.tmpDir, 'uploads')
  })
  afterAll(() => server.stop())

  const tempFiles = () => fs.readdirSync(uploadsDir).filter((f) => f.endsWith('.tmp'))

  it('answers 400 BAD_REQUEST to a multipart body cut before its closing boundary, logging no error', async () => {
    const res = await send(server, token, Buffer.concat([partHead(), PNG]))
    expect(res).toEqual({
      status: 400,
      body: { error: { code: 'BAD_REQUEST', message: expect.stringContaining('malformed multipart body') } },
    })
    expect(tempFiles()).toEqual([])
    expect(errorLines(log.lines)).toEqual([])
  })

  it('answers 400 BAD_REQUEST to a malformed part header, logging no error', async () => {
    const body = Buffer.concat([
      Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n`),
      Buffer.alloc(20000, 'x'),
    ])
    const res = await send(server, token, body)
    expect(res.status).toBe(400)
    expect(res.body).toEqual({ error: { code: 'BAD_REQUEST', message: expect.any(String) } })
    expect(errorLines(log.lines)).toEqual([])
  })

  it('streams the file to disk as it arrives, before the body has ended', async () => {
    const file = Buffer.concat([PNG, Buffer.alloc(MAX - PNG.length - 10, 1)])
    const body = Buffer.concat([partHead(), file, partEnd])
    const { req, response } = openUpload(server, token, body.length)
    req.write(body.subarray(0, body.length - 1024))
    // Half the file or more is on disk in the temp file while the request is still open.
    await until(() => tempFiles().some((f) => fs.statSync(path.join(uploadsDir, f)).size >= MAX / 2))
    req.end(body.subarray(body.length - 1024))
    const res = await response
    expect(res).toMatchObject({ status: 201, body: { size: file.length, type: 'image/png' } })
    expect(fs.statSync(path.join(uploadsDir, res.body.name)).size).toBe(file.length)
    expect(tempFiles()).toEqual([])
  })

  it('refuses a file over the cap with 413 naming the cap, keeping no partial file', async () => {
    const body = Buffer.concat([partHead(), PNG, Buffer.alloc(MAX * 3), partEnd])
    const before = fs.readdirSync(uploadsDir).length
    const res = await send(server, token, body)
    expect(res).toEqual({
      status: 413,
      body: { error: { code: 'TOO_LARGE', message: `upload larger than ${MAX} bytes (UPLOAD_MAX_BYTES)` } },
    })
    expect(fs.readdirSync(uploadsDir).length).toBe(before)
  })

  it('logs a client that aborts mid-upload at info, not as an error, and removes its partial file', async () => {
    const body = Buffer.concat([partHead(), PNG, Buffer.alloc(MAX / 2, 2), partEnd])
    const { req, response } = openUpload(server, token, body.length)
    response.catch(() => undefined) // the socket is destroyed below
    req.write(body.subarray(0, body.length - 100))
    await until(() => tempFiles().length > 0)
    req.destroy()
    await log.waitFor((l) => l.event === 'upload.aborted')
    await until(() => tempFiles().length === 0)
    expect(errorLines(log.lines)).toEqual([])
  })
})

describe('upload rate per user (defect 10)', () => {
  it('allows `burst` uploads per user per window; the next gets 429 naming the limit; another user is not charged', async () => {
    const server = await startTestServer({ limits: { uploads: { rate: 1 / 20, burst: 3 } } })
    try {
      const a = (await server.loginCustomer('rate-a')).token
      const b = (await server.loginCustomer('rate-b')).token
      const png = Buffer.concat([partHead(), PNG, partEnd])
      const first = await Promise.all(Array.from({ length: 5 }, () => send(server, a, png)))
      expect(first.map((r) => r.status).sort()).toEqual([201, 201, 201, 429, 429])
      expect(first.find((r) => r.status === 429)!.body).toEqual({
        error: {
          code: 'RATE_LIMITED',
          message: expect.stringMatching(/^too many uploads by this user: at most 3 per 60 s; retry in \d+ s$/),
        },
      })
      expect((await send(server, b, png)).status).toBe(201)
    } finally {
      await server.stop()
    }
  })
})
