import fs from 'node:fs'
import path from 'node:path'
import { Readable } from 'node:stream'
import { sniffImage, typeOfUpload, uploadNameFromUrl, Uploads } from '../../server/uploads'
import { tempDir } from './helpers/server-harness'
import { GIF, JPEG, PNG, WEBP } from './helpers/images'

describe('sniffImage', () => {
  it.each([
    ['png', PNG, 'image/png'],
    ['jpeg', JPEG, 'image/jpeg'],
    ['gif', GIF, 'image/gif'],
    ['webp', WEBP, 'image/webp'],
  ])('knows %s from its bytes', (_name, bytes, type) => {
    expect(sniffImage(bytes)?.type).toBe(type)
  })

  it.each([
    ['svg', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')],
    ['html', Buffer.from('<!doctype html><script>alert(1)</script>')],
    ['empty', Buffer.alloc(0)],
    ['truncated png', PNG.subarray(0, 4)],
    ['riff that is not webp', Buffer.from('RIFF\0\0\0\0WAVEfmt ')],
    // file-type takes this one as a GIF (see the comment on sniffImage).
    ['gif of no known version', Buffer.from('GIF00a\x01\x00\x01\x00\x00\x00\x00;')],
  ])('refuses %s', (_name, bytes) => {
    expect(sniffImage(bytes)).toBeNull()
  })
})

describe('upload names', () => {
  const name = `${'a'.repeat(64)}.png`
  it('reads names only from /uploads/<sha256>.<ext>', () => {
    expect(uploadNameFromUrl(`/uploads/${name}`)).toBe(name)
    expect(uploadNameFromUrl(`/uploads/../${name}`)).toBeNull()
    expect(uploadNameFromUrl(`/uploads/${'a'.repeat(64)}.svg`)).toBeNull()
    expect(uploadNameFromUrl(`https://evil.example/uploads/${name}`)).toBeNull()
    expect(uploadNameFromUrl('/etc/passwd')).toBeNull()
  })

  it('gives the type from the name', () => {
    expect(typeOfUpload(name)).toBe('image/png')
    expect(typeOfUpload(`${'b'.repeat(64)}.jpg`)).toBe('image/jpeg')
    expect(typeOfUpload('x.png')).toBeNull()
  })
})

describe('Uploads', () => {
  const chunks = (bytes: Buffer, size = 7) =>
    Readable.from(Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) => bytes.subarray(i * size, (i + 1) * size)))

  it('stores an image once under its content hash, streamed in chunks', async () => {
    const dir = tempDir()
    try {
      const uploads = new Uploads(path.join(dir, 'uploads'))
      const a = await uploads.saveStream(chunks(PNG), 1024)
      const b = await uploads.saveStream(chunks(PNG, 1), 1024)
      expect(a).toEqual(b)
      expect(a.url).toMatch(/^\/uploads\/[0-9a-f]{64}\.png$/)
      expect(a).toMatchObject({ type: 'image/png', size: PNG.length })
      expect(fs.readdirSync(uploads.dir)).toEqual([a.name])
      expect(uploads.has(a.name)).toBe(true)
      expect(uploads.has('../secret')).toBe(false)
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })

  it('refuses bytes that are not an image with UNSUPPORTED_TYPE and leaves no file', async () => {
    const dir = tempDir()
    try {
      await expect(new Uploads(dir).saveStream(chunks(Buffer.from('hello')), 1024)).rejects.toMatchObject({ code: 'UNSUPPORTED_TYPE' })
      expect(fs.readdirSync(dir)).toEqual([])
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })

  it('stops at the byte past maxBytes with TOO_LARGE naming the cap, and leaves no file', async () => {
    const dir = tempDir()
    try {
      const big = Buffer.concat([PNG, Buffer.alloc(100)])
      await expect(new Uploads(dir).saveStream(chunks(big), big.length - 1)).rejects.toMatchObject({
        code: 'TOO_LARGE',
        message: `upload larger than ${big.length - 1} bytes (UPLOAD_MAX_BYTES)`,
      })
      expect(fs.readdirSync(dir)).toEqual([])
      expect((await new Uploads(dir).saveStream(chunks(big), big.length)).size).toBe(big.length)
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })

  it('removes the partial file when the source fails mid-stream', async () => {
    const dir = tempDir()
    try {
      const source = new Readable({ read: () => undefined })
      const saving = new Uploads(dir).saveStream(source, 1 << 20)
      source.push(PNG)
      // The temp file exists once the first chunk is written; then the source breaks.
      await new Promise<void>((resolve) => {
        const check = (): void => (fs.readdirSync(dir).length > 0 ? resolve() : void setImmediate(check))
        check()
      })
      source.destroy(new Error('connection reset'))
      await expect(saving).rejects.toThrow('connection reset')
      expect(fs.readdirSync(dir)).toEqual([])
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})
