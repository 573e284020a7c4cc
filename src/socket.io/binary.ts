/**
 * Binary arguments as Socket.IO encodes them: each ArrayBuffer (or typed array / DataView) in
 * the arguments is replaced by `{ _placeholder: true, num: n }` and sent as its own binary
 * message after the packet's text; the receiver puts the n-th buffer back in its place.
 */

export interface Placeholder {
  _placeholder: true
  num: number
}

const isView = (value: unknown): value is ArrayBufferView => typeof ArrayBuffer.isView === 'function' && ArrayBuffer.isView(value)

export function isBinary(value: unknown): value is ArrayBuffer | ArrayBufferView {
  return value instanceof ArrayBuffer || isView(value)
}

/** Whether `value` holds binary data anywhere (arrays and plain objects, not past `depth`). */
export function hasBinary(value: unknown, depth = 0): boolean {
  if (depth > 32 || typeof value !== 'object' || value === null) return false
  if (isBinary(value)) return true
  if (Array.isArray(value)) return value.some((v) => hasBinary(v, depth + 1))
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return false
  for (const key of Object.keys(value)) if (hasBinary((value as Record<string, unknown>)[key], depth + 1)) return true
  return false
}

/** Copies `data` with placeholders for its buffers; the buffers (as ArrayBuffers) in `buffers`. */
export function deconstruct(data: unknown, buffers: ArrayBuffer[]): unknown {
  if (typeof data !== 'object' || data === null) return data
  if (data instanceof ArrayBuffer) {
    buffers.push(data)
    return { _placeholder: true, num: buffers.length - 1 }
  }
  if (isView(data)) {
    buffers.push(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer)
    return { _placeholder: true, num: buffers.length - 1 }
  }
  if (Array.isArray(data)) return data.map((v) => deconstruct(v, buffers))
  if (typeof (data as { toJSON?: unknown }).toJSON === 'function') return data
  const out: Record<string, unknown> = {}
  for (const key of Object.keys(data)) out[key] = deconstruct((data as Record<string, unknown>)[key], buffers)
  return out
}

/** Puts the buffers back where their placeholders are; throws on a placeholder with no buffer. */
export function reconstruct(data: unknown, buffers: ArrayBuffer[]): unknown {
  if (typeof data !== 'object' || data === null) return data
  const p = data as Partial<Placeholder>
  if (p._placeholder === true) {
    const buffer = typeof p.num === 'number' ? buffers[p.num] : undefined
    if (buffer === undefined) throw new Error('socket.io: a binary placeholder names no attachment')
    return buffer
  }
  if (Array.isArray(data)) {
    for (let i = 0; i < data.length; i++) data[i] = reconstruct(data[i], buffers)
    return data
  }
  const o = data as Record<string, unknown>
  for (const key of Object.keys(o)) o[key] = reconstruct(o[key], buffers)
  return o
}
