/** A real PNG drawn in memory (no image library): zlib for IDAT, a table CRC-32 for chunks. */
import zlib from 'node:zlib'

const CRC_TABLE = (() => {
  const table = new Uint32Array(256)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    table[n] = c >>> 0
  }
  return table
})()

function crc32(bytes: Buffer): number {
  let c = 0xffffffff
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4)
  length.writeUInt32BE(data.length)
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(body))
  return Buffer.concat([length, body, crc])
}

/** Encodes `pixel(x, y) → [r, g, b]` as an RGB PNG. */
export function makePng(width: number, height: number, pixel: (x: number, y: number) => [number, number, number]): Buffer {
  const raw = Buffer.alloc((width * 3 + 1) * height)
  let i = 0
  for (let y = 0; y < height; y++) {
    raw[i++] = 0 // filter: none
    for (let x = 0; x < width; x++) {
      const [r, g, b] = pixel(x, y)
      raw[i++] = r
      raw[i++] = g
      raw[i++] = b
    }
  }
  const header = Buffer.alloc(13)
  header.writeUInt32BE(width, 0)
  header.writeUInt32BE(height, 4)
  header[8] = 8 // bit depth
  header[9] = 2 // colour type: RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', zlib.deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ])
}

/** A product-photo-like picture: a soft backdrop and a rounded dark "earbud case" with a highlight. */
export function productPhoto(width = 320, height = 220): Buffer {
  const cx = width / 2
  const cy = height / 2 + 6
  const rx = width * 0.26
  const ry = height * 0.26
  return makePng(width, height, (x, y) => {
    const t = y / height
    let r = 236 - 18 * t
    let g = 240 - 14 * t
    let b = 247 - 8 * t
    // shadow under the case
    const sd = ((x - cx) / (rx * 1.1)) ** 2 + ((y - (cy + ry * 0.95)) / (ry * 0.28)) ** 2
    if (sd < 1) {
      const k = 0.18 * (1 - sd)
      r *= 1 - k
      g *= 1 - k
      b *= 1 - k
    }
    // the case: a superellipse
    const d = Math.abs((x - cx) / rx) ** 3 + Math.abs((y - cy) / ry) ** 3
    if (d < 1) {
      const shade = 0.55 + 0.45 * (1 - (y - (cy - ry)) / (2 * ry))
      r = 40 * shade + 20
      g = 48 * shade + 22
      b = 64 * shade + 30
      if (Math.abs(y - cy + ry * 0.15) < 1.2) r = g = b = 120 // the lid's seam
      const hl = ((x - (cx - rx * 0.35)) / (rx * 0.35)) ** 2 + ((y - (cy - ry * 0.55)) / (ry * 0.18)) ** 2
      if (hl < 1) {
        r += 70 * (1 - hl)
        g += 70 * (1 - hl)
        b += 80 * (1 - hl)
      }
      // a small status light
      if ((x - cx) ** 2 + (y - (cy + ry * 0.45)) ** 2 < 9) {
        r = 80
        g = 220
        b = 140
      }
    }
    return [Math.round(r), Math.round(g), Math.round(b)]
  })
}
