import type { AckFrame, Codec, Frame, ReplyFrame } from './types'

/** The default codec: one JSON object per text frame. Binary frames do not decode. */
export const jsonCodec: Codec = {
  encode: (frame) => JSON.stringify(frame),
  decode(data) {
    if (typeof data !== 'string') throw new TypeError('binary frame: the JSON codec reads text frames only')
    const value: unknown = JSON.parse(data)
    if (!isFrame(value)) throw new TypeError('frame is not a JSON object with a string "type"')
    return value
  },
}

export function isFrame(value: unknown): value is Frame {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && typeof (value as Frame).type === 'string'
}

export function isAck(frame: Frame): frame is AckFrame {
  return frame.type === 'ack' && typeof frame.id === 'string'
}

export function isReply(frame: Frame): frame is ReplyFrame {
  return frame.type === 'reply' && typeof frame.id === 'string'
}

export const PING: Frame = { type: 'ping' }

/**
 * Ids unique across sockets and app restarts: a random prefix per generator and a counter.
 * The server deduplicates by id per conversation, so a restarted app must not reuse old ids.
 */
export function createIdGenerator(random: () => number, now: () => number): () => string {
  const prefix = now().toString(36) + Math.floor(random() * 2 ** 32).toString(36)
  let counter = 0
  return () => `${prefix}-${(++counter).toString(36)}`
}

/** UTF-8 byte length without TextEncoder (not every mini-program base library has it). */
export function utf8Length(text: string): number {
  let bytes = 0
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c < 0x80) bytes += 1
    else if (c < 0x800) bytes += 2
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      bytes += 4
      i++
    } else bytes += 3
  }
  return bytes
}

/** WeChat's `SocketTask.close` accepts 1000 or 3000–4999, and a reason of at most 123 bytes. */
export function checkCloseArgs(code: number, reason: string): void {
  if (!Number.isInteger(code) || (code !== 1000 && (code < 3000 || code > 4999))) {
    throw new RangeError(`close(code): code must be 1000 or 3000–4999, got ${String(code)}`)
  }
  if (typeof reason !== 'string' || utf8Length(reason) > 123) {
    throw new RangeError('close(code, reason): reason must be a string of at most 123 UTF-8 bytes')
  }
}
