import fs from 'node:fs'
import path from 'node:path'
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
  it('stores an image once under its content hash', () => {
    const dir = tempDir()
    try {
      const uploads = new Uploads(path.join(dir, 'uploads'))
      const a = uploads.save(PNG)
      const b = uploads.save(PNG)
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

  it('refuses bytes that are not an image with UNSUPPORTED_TYPE', () => {
    const dir = tempDir()
    try {
      expect(() => new Uploads(dir).save(Buffer.from('hello'))).toThrow(expect.objectContaining({ code: 'UNSUPPORTED_TYPE' }))
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})
