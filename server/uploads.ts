import { createHash, randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { Transform, type Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { ChatError } from './errors'

export type ImageType = 'image/png' | 'image/jpeg' | 'image/gif' | 'image/webp'

export interface SniffedImage {
  type: ImageType
  ext: 'png' | 'jpg' | 'gif' | 'webp'
}

const EXT_TYPES: Record<SniffedImage['ext'], ImageType> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
}

function startsWith(bytes: Buffer, signature: readonly number[], offset = 0): boolean {
  if (bytes.length < offset + signature.length) return false
  return signature.every((b, i) => bytes[offset + i] === b)
}

const ascii = (s: string): number[] => [...s].map((c) => c.charCodeAt(0))

/**
 * The image type the bytes say, whatever the client claimed; null for anything else (SVG included: it is markup).
 *
 * Hand-written on purpose, after weighing `file-type` (22.3.0, measured on Node 20):
 * - it is not stricter where it matters here: it takes any file starting with "GIF" as a GIF (this
 *   check wants GIF87a or GIF89a), and calls an animated PNG 'apng', one more type to map;
 * - it is ESM-only and declares Node >= 22 (this package supports Node >= 18); under jest it and
 *   its 8 ESM-only dependencies would all need transforming (test/jest-common.js);
 * - it brings 10 packages, 816 KB installed (210 KB of JavaScript), for four signatures of 3 to 12 bytes;
 * - its API is async (it reads through a tokenizer), which would make Uploads#save async for nothing.
 */
export function sniffImage(bytes: Buffer): SniffedImage | null {
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return { type: 'image/png', ext: 'png' }
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return { type: 'image/jpeg', ext: 'jpg' }
  if (startsWith(bytes, ascii('GIF87a')) || startsWith(bytes, ascii('GIF89a'))) return { type: 'image/gif', ext: 'gif' }
  if (startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii('WEBP'), 8)) return { type: 'image/webp', ext: 'webp' }
  return null
}

/** Bytes sniffImage needs at most (webp: RIFF, size, WEBP). */
const SNIFF_BYTES = 16

/** `<sha256>.<ext>`: the only names this server writes, and the only ones it serves. */
export const UPLOAD_NAME = /^[0-9a-f]{64}\.(png|jpg|gif|webp)$/
export const UPLOADS_PREFIX = '/uploads/'

/** The file name in a `/uploads/<name>` URL (path only, as returned by the upload), or null. */
export function uploadNameFromUrl(url: string): string | null {
  if (!url.startsWith(UPLOADS_PREFIX)) return null
  const name = url.slice(UPLOADS_PREFIX.length)
  return UPLOAD_NAME.test(name) ? name : null
}

export function typeOfUpload(name: string): ImageType | null {
  const match = UPLOAD_NAME.exec(name)
  return match ? EXT_TYPES[match[1] as SniffedImage['ext']] : null
}

export interface StoredUpload {
  /** Path to use in an image message: `/uploads/<name>`. */
  url: string
  name: string
  type: ImageType
  size: number
}

/** Content-addressed image files under one folder: the same bytes are stored once. */
export class Uploads {
  constructor(readonly dir: string) {
    fs.mkdirSync(dir, { recursive: true })
  }

  /**
   * Streams an upload to disk: the bytes go to a temp file in this folder as they arrive, hashed on
   * the way, so memory holds a chunk, never the file. More than `maxBytes` stops it with TOO_LARGE;
   * whatever ends it early (too large, not an image, the client gone, a broken body) removes the
   * temp file, so a failed upload leaves nothing behind.
   */
  async saveStream(source: Readable, maxBytes: number): Promise<StoredUpload> {
    const tmp = path.join(this.dir, `.upload.${randomBytes(8).toString('hex')}.tmp`)
    const hash = createHash('sha256')
    let head = Buffer.alloc(0)
    let size = 0
    const meter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        size += chunk.length
        if (size > maxBytes) return done(new ChatError('TOO_LARGE', `upload larger than ${maxBytes} bytes (UPLOAD_MAX_BYTES)`))
        if (head.length < SNIFF_BYTES) head = Buffer.concat([head, chunk.subarray(0, SNIFF_BYTES - head.length)])
        hash.update(chunk)
        done(null, chunk)
      },
    })
    // Opened here, synchronously: the file exists before any byte arrives, so a failure at any point finds it to remove.
    const out = fs.createWriteStream(tmp, { fd: fs.openSync(tmp, 'wx', 0o644) })
    try {
      await pipeline(source, meter, out)
      const sniffed = sniffImage(head)
      if (!sniffed) throw new ChatError('UNSUPPORTED_TYPE', 'only png, jpeg, gif and webp images can be uploaded')
      const name = `${hash.digest('hex')}.${sniffed.ext}`
      const file = path.join(this.dir, name)
      // Rename when new (a reader never sees half a file); the same bytes stored before are kept.
      if (fs.existsSync(file)) fs.rmSync(tmp, { force: true })
      else fs.renameSync(tmp, file)
      return { url: `${UPLOADS_PREFIX}${name}`, name, type: sniffed.type, size }
    } catch (err) {
      // pipeline rejects at the first error: wait until the file is closed, then remove it.
      // (Not events.once: it rejects on the 'error' the pipeline gives the file stream.)
      if (!out.closed) await new Promise<void>((resolve) => out.once('close', () => resolve()))
      fs.rmSync(tmp, { force: true })
      throw err
    }
  }

  has(name: string): boolean {
    return UPLOAD_NAME.test(name) && fs.existsSync(path.join(this.dir, name))
  }
}
