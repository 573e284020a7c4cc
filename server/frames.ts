import type { Static, TSchema } from '@sinclair/typebox'
import type { ValidateFunction } from 'ajv'
import { ChatError } from './errors'
import {
  textLength,
  type ClientFrame,
  type HistoryRequest,
  type MessageFrame,
  type SessionRequest,
  type SyncRequest,
} from '../src/protocol'
import { FrameEnvelopeSchema, MessageFrameSchemas, PAGE_LIMITS, RequestFrameSchemas } from './frame-schemas'
import { createAjv, expectedBy, schemaProblems, type SchemaProblem } from './validation'

export { PAGE_LIMITS }

/** A decoded frame: a JSON object with a string `type`, and an `id` when it carries one. */
export interface RawFrame {
  type: string
  id?: string
  [key: string]: unknown
}

/** A client frame after validation: page limits filled in with their defaults. */
export type ValidFrame =
  | Exclude<ClientFrame, SyncRequest | HistoryRequest | SessionRequest>
  | Required<SyncRequest>
  | Required<HistoryRequest>
  | (SessionRequest & { limit: number })

// Compiled once, at load: validating a frame is then one generated function call.
const ajv = createAjv({ removeAdditional: true })
const compile = <S extends TSchema>(schema: S): ValidateFunction<Static<S>> => ajv.compile<Static<S>>(schema)

type RequestFrameSchema = (typeof RequestFrameSchemas)[keyof typeof RequestFrameSchemas]
type MessageFrameSchema = (typeof MessageFrameSchemas)[keyof typeof MessageFrameSchemas]

const envelope = compile(FrameEnvelopeSchema)
// By the frame's `type` (and a message's `kind`): a Map, so that "constructor" or "__proto__" find nothing.
const requestValidators = new Map<string, ValidateFunction<Static<RequestFrameSchema>>>(
  Object.entries(RequestFrameSchemas).map(([type, schema]) => [type, compile<RequestFrameSchema>(schema)]),
)
const messageValidators = new Map<string, ValidateFunction<Static<MessageFrameSchema>>>(
  Object.entries(MessageFrameSchemas).map(([kind, schema]) => [kind, compile<MessageFrameSchema>(schema)]),
)
const FRAME_TYPES = [...requestValidators.keys(), 'message'].join(', ')
const MESSAGE_KINDS = [...messageValidators.keys()].map((kind) => JSON.stringify(kind)).join(', ')

function problemMessage(type: string | undefined, problem: SchemaProblem): string {
  const expected = expectedBy(problem.schema)
  if (problem.path.length === 0) return `frame must be ${expected}`
  const field = `"${problem.path.join('.')}"`
  if (problem.missing) return `${type !== undefined ? `"${type}"` : 'frame'} needs ${field}: ${expected}`
  return `${field} must be ${expected}`
}

function check<T>(validate: ValidateFunction<T>, frame: unknown, type?: string): T {
  if (validate(frame)) return frame
  throw new ChatError('BAD_REQUEST', problemMessage(type, schemaProblems(validate.errors)[0]))
}

/** Turns wire data into a RawFrame; BAD_REQUEST (with no id to answer) when it is not a JSON object with a string type. */
export function decodeFrame(data: Buffer | string, isBinary: boolean): RawFrame {
  if (isBinary) throw new ChatError('BAD_REQUEST', 'binary frames are not supported; send JSON text')
  let value: unknown
  try {
    value = JSON.parse(typeof data === 'string' ? data : data.toString('utf8'))
  } catch {
    throw new ChatError('BAD_REQUEST', 'frame is not valid JSON')
  }
  return check(envelope, value)
}

/** Counts characters as people do (code points), not UTF-16 units. */
function message(frame: RawFrame, textMaxLength: number): MessageFrame {
  const validate = typeof frame.kind === 'string' ? messageValidators.get(frame.kind) : undefined
  if (validate === undefined) throw new ChatError('BAD_REQUEST', `"kind" must be one of ${MESSAGE_KINDS}`)
  // A customer may omit conversationId; null was always taken as "omitted" too.
  if (frame.conversationId === null) delete frame.conversationId
  const valid = check(validate, frame, frame.type)
  // The length limit is a server option and its own error code, so it is checked here, not in the schema.
  if (valid.kind === 'text' && textLength(valid.text) > textMaxLength) {
    throw new ChatError('TOO_LONG', `text is longer than ${textMaxLength} characters`)
  }
  return valid
}

/** A lone UTF-16 surrogate: the store would keep U+FFFD instead, and history would no longer match the ack. */
const LONE_SURROGATE = /\p{Cs}/u

/** BAD_REQUEST, naming the field, when any string in the frame holds a lone surrogate. */
function wellFormed(value: unknown, field: string): void {
  if (typeof value === 'string') {
    if (LONE_SURROGATE.test(value)) throw new ChatError('BAD_REQUEST', `"${field}" must not contain a lone UTF-16 surrogate`)
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, inner] of Object.entries(value)) wellFormed(inner, field === '' ? key : `${field}.${key}`)
  }
}

/**
 * Checks a decoded frame's fields for its type, against its schema (server/frame-schemas.ts);
 * fields the schema does not list are dropped. Throws ChatError: UNKNOWN_TYPE, BAD_REQUEST or TOO_LONG.
 */
export function validateFrame(frame: RawFrame, options: { textMaxLength: number }): ValidFrame {
  wellFormed(frame, '')
  if (frame.type === 'message') return message(frame, options.textMaxLength)
  const validate = requestValidators.get(frame.type)
  if (validate === undefined) throw new ChatError('UNKNOWN_TYPE', `unknown frame type "${frame.type.slice(0, 40)}" (known: ${FRAME_TYPES})`)
  const valid = check(validate, frame, frame.type)
  if (valid.type === 'sync' || valid.type === 'history' || valid.type === 'session') {
    const bounds = PAGE_LIMITS[valid.type]
    return { ...valid, limit: Math.min(valid.limit ?? bounds.default, bounds.max) }
  }
  return valid
}
