/** Base64 without `btoa`, `atob` or `Buffer` (a mini-program has none of them reliably). */
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'

export function toBase64(buffer: ArrayBuffer): string {
  const bytes = new Uint8Array(buffer)
  let out = ''
  let i = 0
  for (; i + 2 < bytes.length; i += 3) {
    const n = ((bytes[i] ?? 0) << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0)
    out += ALPHABET.charAt(n >> 18) + ALPHABET.charAt((n >> 12) & 63) + ALPHABET.charAt((n >> 6) & 63) + ALPHABET.charAt(n & 63)
  }
  const rest = bytes.length - i
  if (rest > 0) {
    const n = ((bytes[i] ?? 0) << 16) | (rest === 2 ? (bytes[i + 1] ?? 0) << 8 : 0)
    out += ALPHABET.charAt(n >> 18) + ALPHABET.charAt((n >> 12) & 63) + (rest === 2 ? ALPHABET.charAt((n >> 6) & 63) : '=') + '='
  }
  return out
}

/** Throws on a character outside the alphabet or a length that is not a multiple of 4. */
export function fromBase64(text: string): ArrayBuffer {
  if (text.length % 4 !== 0) throw new Error('base64: the length is not a multiple of 4')
  const pad = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0
  const bytes = new Uint8Array((text.length / 4) * 3 - pad)
  let j = 0
  for (let i = 0; i < text.length; i += 4) {
    let n = 0
    for (let k = 0; k < 4; k++) {
      const c = text.charAt(i + k)
      const v = c === '=' && i + k >= text.length - pad ? 0 : ALPHABET.indexOf(c)
      if (v < 0) throw new Error(`base64: unexpected ${JSON.stringify(c)}`)
      n = (n << 6) | v
    }
    if (j < bytes.length) bytes[j++] = (n >> 16) & 255
    if (j < bytes.length) bytes[j++] = (n >> 8) & 255
    if (j < bytes.length) bytes[j++] = n & 255
  }
  return bytes.buffer
}
