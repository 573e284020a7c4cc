import { ChatError } from './errors'
import type { ClientFrame, HistoryRequest, MessageFrame, SyncRequest } from '../src/protocol'
import type { ImageRef } from './types'
import { uploadNameFromUrl } from './uploads'

/** A decoded frame: a JSON object with a string `type`, and an `id` when it carries one. */
export interface RawFrame {
  type: string
  id?: string
  [key: string]: unknown
}

/** A client frame after validation: page limits filled in with their defaults. */
export type ValidFrame = Exclude<ClientFrame, SyncRequest | HistoryRequest> | Required<SyncRequest> | Required<HistoryRequest>

export const PAGE_LIMITS = {
  sync: { default: 100, max: 200 },
  history: { default: 30, max: 100 },
} as const

const MAX_ID_LENGTH = 128
const MAX_DIMENSION = 100_000

/** Turns wire data into a RawFrame; BAD_REQUEST (with no id to answer) when it is not a JSON object with a string type. */
export function decodeFrame(data: Buffer | string, isBinary: boolean): RawFrame {
  if (isBinary) throw new ChatError('BAD_REQUEST', 'binary frames are not supported; send JSON text')
  let value: unknown
  try {
    value = JSON.parse(typeof data === 'string' ? data : data.toString('utf8'))
  } catch {
    throw new ChatError('BAD_REQUEST', 'frame is not valid JSON')
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ChatError('BAD_REQUEST', 'frame must be a JSON object')
  const frame = value as Record<string, unknown>
  if (typeof frame.type !== 'string' || frame.type === '') throw new ChatError('BAD_REQUEST', 'frame needs a string "type"')
  if (frame.id !== undefined && (typeof frame.id !== 'string' || frame.id === '' || frame.id.length > MAX_ID_LENGTH)) {
    throw new ChatError('BAD_REQUEST', `"id" must be a string of 1 to ${MAX_ID_LENGTH} characters`)
  }
  return frame as RawFrame
}

function requireId(frame: RawFrame): string {
  if (frame.id === undefined) throw new ChatError('BAD_REQUEST', `"${frame.type}" needs an "id"`)
  return frame.id
}

function str(frame: RawFrame, field: string): string {
  const v = frame[field]
  if (typeof v !== 'string' || v === '' || v.length > MAX_ID_LENGTH) {
    throw new ChatError('BAD_REQUEST', `"${field}" must be a string of 1 to ${MAX_ID_LENGTH} characters`)
  }
  return v
}

function optionalStr(frame: RawFrame, field: string): string | undefined {
  return frame[field] === undefined || frame[field] === null ? undefined : str(frame, field)
}

function int(frame: RawFrame, field: string, min: number): number {
  const v = frame[field]
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) {
    throw new ChatError('BAD_REQUEST', `"${field}" must be an integer ≥ ${min}`)
  }
  return v
}

function limit(frame: RawFrame, bounds: { default: number; max: number }): number {
  if (frame.limit === undefined) return bounds.default
  return Math.min(int(frame, 'limit', 1), bounds.max)
}

function dimension(value: unknown, field: string): number | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_DIMENSION) {
    throw new ChatError('BAD_REQUEST', `"image.${field}" must be an integer from 1 to ${MAX_DIMENSION}`)
  }
  return value
}

function image(frame: RawFrame): ImageRef {
  const v = frame.image
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ChatError('BAD_REQUEST', '"image" must be an object {url, width?, height?}')
  const img = v as Record<string, unknown>
  if (typeof img.url !== 'string' || uploadNameFromUrl(img.url) === null) {
    throw new ChatError('BAD_REQUEST', '"image.url" must be a /uploads/… path returned by POST /api/upload')
  }
  const width = dimension(img.width, 'width')
  const height = dimension(img.height, 'height')
  return { url: img.url, ...(width !== undefined ? { width } : {}), ...(height !== undefined ? { height } : {}) }
}

/** Counts characters as people do (code points), not UTF-16 units. */
export function textLength(text: string): number {
  let n = 0
  for (const _ of text) n++
  return n
}

function message(frame: RawFrame, id: string, textMaxLength: number): MessageFrame {
  const conversationId = optionalStr(frame, 'conversationId')
  const base = { type: 'message' as const, id, ...(conversationId !== undefined ? { conversationId } : {}) }
  if (frame.kind === 'text') {
    const text = frame.text
    if (typeof text !== 'string' || text.trim() === '') throw new ChatError('BAD_REQUEST', '"text" must be a non-empty string')
    if (textLength(text) > textMaxLength) throw new ChatError('TOO_LONG', `text is longer than ${textMaxLength} characters`)
    return { ...base, kind: 'text', text }
  }
  if (frame.kind === 'image') return { ...base, kind: 'image', image: image(frame) }
  throw new ChatError('BAD_REQUEST', '"kind" must be "text" or "image"')
}

/** Checks a decoded frame's fields for its type. Throws ChatError: UNKNOWN_TYPE, BAD_REQUEST or TOO_LONG. */
export function validateFrame(frame: RawFrame, options: { textMaxLength: number }): ValidFrame {
  switch (frame.type) {
    case 'ping':
      return { type: 'ping' }
    case 'session':
    case 'open':
      return { type: frame.type, id: requireId(frame) }
    case 'sync':
      return { type: 'sync', id: requireId(frame), conversationId: str(frame, 'conversationId'), afterSeq: int(frame, 'afterSeq', 0), limit: limit(frame, PAGE_LIMITS.sync) }
    case 'history':
      return { type: 'history', id: requireId(frame), conversationId: str(frame, 'conversationId'), beforeSeq: int(frame, 'beforeSeq', 0), limit: limit(frame, PAGE_LIMITS.history) }
    case 'accept':
    case 'close':
      return { type: frame.type, id: requireId(frame), conversationId: str(frame, 'conversationId') }
    case 'transfer':
      return { type: 'transfer', id: requireId(frame), conversationId: str(frame, 'conversationId'), toAgentId: str(frame, 'toAgentId') }
    case 'read':
      return { type: 'read', id: requireId(frame), conversationId: str(frame, 'conversationId'), seq: int(frame, 'seq', 0) }
    case 'typing':
      return { type: 'typing', conversationId: str(frame, 'conversationId') }
    case 'message':
      return message(frame, requireId(frame), options.textMaxLength)
    default:
      throw new ChatError('UNKNOWN_TYPE', `unknown frame type "${frame.type.slice(0, 40)}"`)
  }
}
