/**
 * The frame schemas (server/frame-schemas.ts) describe exactly the protocol's frame types
 * (src/protocol/chat-frames.ts): a field added, dropped or retyped on one side and not the other
 * fails `npm run typecheck`.
 */
import type { Static } from '@sinclair/typebox'
import type {
  AcceptRequest,
  ClientFrame,
  CloseRequest,
  HistoryRequest,
  ImageContent,
  ImageMessageFrame,
  MessageFrame,
  OpenRequest,
  RateRequest,
  ReadFrame,
  RecallRequest,
  SessionRequest,
  SyncRequest,
  TextMessageFrame,
  TransferRequest,
  TypingFrame,
} from '../../src/protocol'
import type {
  AcceptRequestSchema,
  ClientFrameSchema,
  CloseRequestSchema,
  HistoryRequestSchema,
  ImageContentSchema,
  ImageMessageFrameSchema,
  MessageFrameSchema,
  OpenRequestSchema,
  PingFrameSchema,
  RateRequestSchema,
  ReadFrameSchema,
  RecallRequestSchema,
  SessionRequestSchema,
  SyncRequestSchema,
  TextMessageFrameSchema,
  TransferRequestSchema,
  TypingFrameSchema,
} from '../../server/frame-schemas'
import type { Equal, Expect } from './type-equality'

export type FrameSchemaChecks = [
  Expect<Equal<Static<typeof PingFrameSchema>, { type: 'ping' }>>,
  Expect<Equal<Static<typeof SessionRequestSchema>, SessionRequest>>,
  Expect<Equal<Static<typeof OpenRequestSchema>, OpenRequest>>,
  Expect<Equal<Static<typeof SyncRequestSchema>, SyncRequest>>,
  Expect<Equal<Static<typeof HistoryRequestSchema>, HistoryRequest>>,
  Expect<Equal<Static<typeof AcceptRequestSchema>, AcceptRequest>>,
  Expect<Equal<Static<typeof TransferRequestSchema>, TransferRequest>>,
  Expect<Equal<Static<typeof CloseRequestSchema>, CloseRequest>>,
  Expect<Equal<Static<typeof RecallRequestSchema>, RecallRequest>>,
  Expect<Equal<Static<typeof RateRequestSchema>, RateRequest>>,
  Expect<Equal<Static<typeof ReadFrameSchema>, ReadFrame>>,
  Expect<Equal<Static<typeof TypingFrameSchema>, TypingFrame>>,
  Expect<Equal<Static<typeof ImageContentSchema>, ImageContent>>,
  Expect<Equal<Static<typeof TextMessageFrameSchema>, TextMessageFrame>>,
  Expect<Equal<Static<typeof ImageMessageFrameSchema>, ImageMessageFrame>>,
  Expect<Equal<Static<typeof MessageFrameSchema>, MessageFrame>>,
  Expect<Equal<Static<typeof ClientFrameSchema>, ClientFrame>>,
]

// The check itself is checked: a schema that differs from its type is told apart.
// @ts-expect-error SyncRequest's limit is optional; a required one is another type
export type SyncRequestDiffers = Expect<Equal<Static<typeof SyncRequestSchema>, Required<SyncRequest>>>
