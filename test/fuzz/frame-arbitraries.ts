/**
 * fast-check arbitraries over the client frames of docs/protocol.md §2 (src/protocol/chat-frames.ts)
 * and over junk: random JSON, wrong-typed fields, odd and long strings, lone UTF-16 surrogates,
 * binary data. Shared by the decoder fuzz test and the frame-handler fuzz test.
 */
import fc from 'fast-check'
import { RATING_COMMENT_MAX_LENGTH, RATING_MAX_SCORE, RATING_MIN_SCORE } from '../../src/protocol'

/** Ids the handlers may know (real conversations, messages, agents), mixed into the generated frames. */
export interface KnownIds {
  conversations: string[]
  messages: string[]
  agents: string[]
}

const surrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code))

/** Strings a client could get wrong: empty, blank, control characters, emoji, lone surrogates, very long. */
export const oddString: fc.Arbitrary<string> = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('', ' ', '\u0000', '\n\t', '__proto__', 'constructor', '😀', '\u200b', 'sys_1', '../../etc/passwd', '%00'),
  fc.array(fc.oneof(surrogate, fc.string({ maxLength: 3 })), { minLength: 1, maxLength: 6 }).map((parts) => parts.join('')),
  fc.integer({ min: 129, max: 20_000 }).map((n) => 'x'.repeat(n)),
)

/**
 * A value of any JSON type (what a field of the wrong type holds), as it reads back from the wire:
 * fc.jsonValue can generate -0, which JSON writes as 0.
 */
const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }).map((value) => JSON.parse(JSON.stringify(value)) as unknown),
  fc.constantFrom(null, true, -1, 0, 1.5, Number.MAX_SAFE_INTEGER + 2, [], {}),
)

/** Valid ids: a short word, or one of the known ids. */
function idFrom(pool: string[]): fc.Arbitrary<string> {
  const fresh = fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 24 })
  return pool.length === 0 ? fresh : fc.oneof(fc.constantFrom(...pool), fresh)
}

const seq = fc.oneof(fc.nat(50), fc.constant(Number.MAX_SAFE_INTEGER))
const limit = fc.option(fc.integer({ min: 1, max: 10_000 }), { nil: undefined })
const sha = fc.stringMatching(/^[0-9a-f]{64}$/)

/** Frames that match their schema (server/frame-schemas.ts); a few carry fields the schema does not list. */
export function wellFormedFrame(known: KnownIds): fc.Arbitrary<Record<string, unknown>> {
  const id = fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 32 })
  const conversationId = idFrom(known.conversations)
  const text = fc.oneof(
    fc.string({ minLength: 1, maxLength: 60 }).filter((s) => /\S/.test(s) && !/\p{Cs}/u.test(s)),
    fc.constantFrom('你好', '😀👍', 'a'.repeat(2000), 'b'.repeat(2001)),
  )
  const frames: Array<fc.Arbitrary<Record<string, unknown>>> = [
    fc.constant({ type: 'ping' }),
    fc.record(
      {
        type: fc.constant('session'),
        id,
        limit,
        cursor: fc.oneof(fc.constantFrom('m.0.conv_1', 'q.1.x'), fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 40 })),
      },
      { requiredKeys: ['type', 'id'] },
    ),
    fc.record({ type: fc.constant('open'), id }),
    fc.record(
      { type: fc.constant('sync'), id, conversationId, afterSeq: seq, limit },
      { requiredKeys: ['type', 'id', 'conversationId', 'afterSeq'] },
    ),
    fc.record(
      { type: fc.constant('history'), id, conversationId, beforeSeq: seq, limit },
      { requiredKeys: ['type', 'id', 'conversationId', 'beforeSeq'] },
    ),
    fc.record({ type: fc.constant('accept'), id, conversationId }),
    fc.record({ type: fc.constant('transfer'), id, conversationId, toAgentId: idFrom(known.agents) }),
    fc.record({ type: fc.constant('close'), id, conversationId }),
    fc.record({ type: fc.constant('recall'), id, conversationId, messageId: idFrom(known.messages) }),
    fc.record(
      {
        type: fc.constant('rate'),
        id,
        conversationId,
        score: fc.integer({ min: RATING_MIN_SCORE, max: RATING_MAX_SCORE }),
        comment: fc.string({ maxLength: RATING_COMMENT_MAX_LENGTH }).filter((s) => !/\p{Cs}/u.test(s)),
      },
      { requiredKeys: ['type', 'id', 'conversationId', 'score'] },
    ),
    fc.record({ type: fc.constant('read'), id, conversationId, seq }),
    fc.record({ type: fc.constant('typing'), conversationId }),
    fc.record(
      { type: fc.constant('message'), id: fc.oneof(id, idFrom(known.messages)), conversationId, kind: fc.constant('text'), text },
      { requiredKeys: ['type', 'id', 'kind', 'text'] },
    ),
    fc.record(
      {
        type: fc.constant('message'),
        id,
        conversationId,
        kind: fc.constant('image'),
        image: fc.record(
          {
            url: fc.tuple(sha, fc.constantFrom('png', 'jpg', 'gif', 'webp')).map(([hash, ext]) => `/uploads/${hash}.${ext}`),
            width: fc.integer({ min: 1, max: 100_000 }),
            height: fc.integer({ min: 1, max: 100_000 }),
          },
          { requiredKeys: ['url'] },
        ),
      },
      { requiredKeys: ['type', 'id', 'kind', 'image'] },
    ),
  ]
  return fc
    .tuple(fc.oneof(...frames), fc.option(fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), anyJson, { maxKeys: 2 }), { freq: 4 }))
    .map(([frame, extra]) => ({ ...extra, ...frame }))
}

/** A well-formed frame with one field replaced by junk (wrong type, odd string) or removed. */
export function brokenFrame(known: KnownIds): fc.Arbitrary<Record<string, unknown>> {
  return fc.tuple(wellFormedFrame(known), fc.nat(), fc.oneof(anyJson, oddString, fc.constant(undefined))).map(([frame, pick, value]) => {
    const keys = Object.keys(frame)
    const key = keys[pick % keys.length]!
    const broken: Record<string, unknown> = { ...frame }
    if (value === undefined) delete broken[key]
    else broken[key] = value
    return broken
  })
}

/** What goes on the wire: a text frame or a binary one. */
export type Wire = { text: string } | { binary: Uint8Array }

/** Frames that are well-formed, broken, or not frames at all (not JSON, not an object, binary). */
export function anyWire(known: KnownIds): fc.Arbitrary<Wire> {
  const json = (value: fc.Arbitrary<unknown>): fc.Arbitrary<Wire> => value.map((v) => ({ text: JSON.stringify(v) ?? 'undefined' }))
  return fc.oneof(
    { weight: 4, arbitrary: json(wellFormedFrame(known)) },
    { weight: 3, arbitrary: json(brokenFrame(known)) },
    { weight: 1, arbitrary: json(fc.jsonValue({ maxDepth: 3 })) },
    { weight: 1, arbitrary: json(fc.record({ type: fc.oneof(oddString, anyJson), id: fc.oneof(oddString, anyJson) })) },
    { weight: 1, arbitrary: oddString.map((text) => ({ text })) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((binary) => ({ binary })) },
  )
}
