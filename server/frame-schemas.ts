/**
 * The frames a client may send (docs/protocol.md §2) as JSON Schemas, written with TypeBox: what
 * server/frames.ts validates them with, and a description of the protocol one can print or
 * publish. Their TypeScript types are the protocol's own (src/protocol/chat-frames.ts, which has
 * no dependency on TypeBox); test/types/frame-schemas.types.ts checks that each schema's
 * `Static` type is exactly that type.
 *
 * Every object schema drops the fields it does not list (`additionalProperties: false` with
 * Ajv's `removeAdditional`): a client may send more than this server reads.
 */
import { Type, type TProperties } from '@sinclair/typebox'
import { EXPECTED } from './validation'
import { UPLOAD_NAME, UPLOADS_PREFIX } from './uploads'
import { RATING_COMMENT_MAX_LENGTH, RATING_MAX_SCORE, RATING_MIN_SCORE } from '../src/protocol'

export const MAX_ID_LENGTH = 128
export const MAX_DIMENSION = 100_000

/** Paging: `limit` is optional; past `max` it is capped, not refused. */
export const PAGE_LIMITS = {
  sync: { default: 100, max: 200 },
  history: { default: 30, max: 100 },
  /** Conversations per `session` reply, `conversations` and `queue` together. */
  session: { default: 50, max: 100 },
} as const

/** A `session` cursor: opaque to clients, made by server/session-page.ts. */
export const MAX_CURSOR_LENGTH = 300

/** An object schema that drops the fields it does not list. */
const closed = <P extends TProperties>(properties: P) => Type.Object(properties, { additionalProperties: false })

/** A frame's, a conversation's or an agent's id. */
const Id = Type.String({ minLength: 1, maxLength: MAX_ID_LENGTH })
const Seq = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER })
const limit = (bounds: { default: number; max: number }) =>
  Type.Optional(
    Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, default: bounds.default, description: `capped at ${bounds.max}` }),
  )
const Dimension = Type.Integer({ minimum: 1, maximum: MAX_DIMENSION })

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')

/** `/uploads/<sha256>.<ext>`: the same rule as uploadNameFromUrl (server/uploads.ts), made from its parts. */
export const UPLOAD_URL_PATTERN = `^${escapeRegExp(UPLOADS_PREFIX)}${UPLOAD_NAME.source.replace(/^\^/, '')}`

export const ImageContentSchema = closed({
  url: Type.String({ pattern: UPLOAD_URL_PATTERN, [EXPECTED]: 'a /uploads/… path returned by POST /api/upload' }),
  width: Type.Optional(Dimension),
  height: Type.Optional(Dimension),
})

/** Its length (in code points, at most the server's `textMaxLength`) is checked apart: the limit is an option, and too long is TOO_LONG. */
const MessageText = Type.String({ pattern: '\\S', [EXPECTED]: 'a string that is not blank' })

export const PingFrameSchema = closed({ type: Type.Literal('ping') })
export const SessionRequestSchema = closed({
  type: Type.Literal('session'),
  id: Id,
  limit: limit(PAGE_LIMITS.session),
  cursor: Type.Optional(Type.String({ minLength: 1, maxLength: MAX_CURSOR_LENGTH })),
})
export const OpenRequestSchema = closed({ type: Type.Literal('open'), id: Id })
export const SyncRequestSchema = closed({
  type: Type.Literal('sync'),
  id: Id,
  conversationId: Id,
  afterSeq: Seq,
  limit: limit(PAGE_LIMITS.sync),
})
export const HistoryRequestSchema = closed({
  type: Type.Literal('history'),
  id: Id,
  conversationId: Id,
  beforeSeq: Seq,
  limit: limit(PAGE_LIMITS.history),
})
export const AcceptRequestSchema = closed({ type: Type.Literal('accept'), id: Id, conversationId: Id })
export const TransferRequestSchema = closed({ type: Type.Literal('transfer'), id: Id, conversationId: Id, toAgentId: Id })
export const CloseRequestSchema = closed({ type: Type.Literal('close'), id: Id, conversationId: Id })
export const RecallRequestSchema = closed({ type: Type.Literal('recall'), id: Id, conversationId: Id, messageId: Id })
export const RateRequestSchema = closed({
  type: Type.Literal('rate'),
  id: Id,
  conversationId: Id,
  score: Type.Integer({ minimum: RATING_MIN_SCORE, maximum: RATING_MAX_SCORE }),
  // Ajv counts maxLength in code points, as the rest of the protocol does.
  comment: Type.Optional(Type.String({ maxLength: RATING_COMMENT_MAX_LENGTH })),
})
export const ReadFrameSchema = closed({ type: Type.Literal('read'), id: Id, conversationId: Id, seq: Seq })
export const TypingFrameSchema = closed({ type: Type.Literal('typing'), conversationId: Id })
export const TextMessageFrameSchema = closed({
  type: Type.Literal('message'),
  id: Id,
  conversationId: Type.Optional(Id),
  kind: Type.Literal('text'),
  text: MessageText,
})
export const ImageMessageFrameSchema = closed({
  type: Type.Literal('message'),
  id: Id,
  conversationId: Type.Optional(Id),
  kind: Type.Literal('image'),
  image: ImageContentSchema,
})

/** The message frames by `kind`. */
export const MessageFrameSchemas = {
  text: TextMessageFrameSchema,
  image: ImageMessageFrameSchema,
} as const

/** The other frames by `type`. */
export const RequestFrameSchemas = {
  ping: PingFrameSchema,
  session: SessionRequestSchema,
  open: OpenRequestSchema,
  sync: SyncRequestSchema,
  history: HistoryRequestSchema,
  accept: AcceptRequestSchema,
  transfer: TransferRequestSchema,
  close: CloseRequestSchema,
  recall: RecallRequestSchema,
  rate: RateRequestSchema,
  read: ReadFrameSchema,
  typing: TypingFrameSchema,
} as const

export const MessageFrameSchema = Type.Union([TextMessageFrameSchema, ImageMessageFrameSchema])

/** Every frame a client may send. Validation looks up the frame's own schema by `type` (and `kind`) instead of trying each. */
export const ClientFrameSchema = Type.Union([
  PingFrameSchema,
  SessionRequestSchema,
  OpenRequestSchema,
  SyncRequestSchema,
  HistoryRequestSchema,
  AcceptRequestSchema,
  TransferRequestSchema,
  CloseRequestSchema,
  RecallRequestSchema,
  RateRequestSchema,
  ReadFrameSchema,
  TypingFrameSchema,
  TextMessageFrameSchema,
  ImageMessageFrameSchema,
])

/** What every frame is before its type is known: a JSON object with a string `type`, and an `id` when it carries one. */
export const FrameEnvelopeSchema = Type.Object(
  { type: Type.String({ minLength: 1 }), id: Type.Optional(Id) },
  { [EXPECTED]: 'a JSON object with a string "type"' },
)
