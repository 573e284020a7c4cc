/**
 * Issue 9, "Proving it": fuzzing the decoders. Whatever arrives, server/frames.ts's decodeFrame
 * and validateFrame either return a frame or throw a ChatError with a client code (never another
 * exception, which the socket layer would answer as INTERNAL), and well-formed frames always pass.
 * The client's jsonCodec (src/protocol/codec.ts) throws only on data it cannot read and reads back
 * every frame it wrote.
 */
import fc from 'fast-check'
import { decodeFrame, validateFrame } from '../../server/frames'
import { isChatError } from '../../server/errors'
import { jsonCodec } from '../../src/protocol'
import { anyWire, oddString, wellFormedFrame, type KnownIds, type Wire } from './frame-arbitraries'

const OPTIONS = { textMaxLength: 2000 }
const NONE: KnownIds = { conversations: [], messages: [], agents: [] }
const RUNS = { numRuns: 2000 }

/** decodeFrame then validateFrame, as the socket layer does: the code it would answer with, or 'ok'. */
function serverVerdict(wire: Wire): string {
  try {
    const raw = 'binary' in wire ? decodeFrame(Buffer.from(wire.binary), true) : decodeFrame(wire.text, false)
    validateFrame(raw, OPTIONS)
    return 'ok'
  } catch (err) {
    if (!isChatError(err)) throw err
    return err.code
  }
}

describe('frame decoder fuzzing', () => {
  it('answers any wire data with a frame or a client error code', () => {
    fc.assert(
      fc.property(anyWire(NONE), (wire) => {
        expect(['ok', 'BAD_REQUEST', 'UNKNOWN_TYPE', 'TOO_LONG']).toContain(serverVerdict(wire))
      }),
      RUNS,
    )
  })

  it('reads any string or buffer, JSON or not, without throwing anything but a ChatError', () => {
    fc.assert(
      fc.property(fc.oneof(oddString, fc.json()), fc.boolean(), (text, asBuffer) => {
        expect(['ok', 'BAD_REQUEST', 'UNKNOWN_TYPE', 'TOO_LONG']).toContain(
          serverVerdict(asBuffer ? { text: Buffer.from(text, 'utf8').toString() } : { text }),
        )
      }),
      RUNS,
    )
  })

  it('accepts every well-formed frame (text over the limit is TOO_LONG) and drops fields it does not list', () => {
    fc.assert(
      fc.property(wellFormedFrame(NONE), (frame) => {
        const tooLong = frame.kind === 'text' && [...(frame.text as string)].length > OPTIONS.textMaxLength
        const verdict = serverVerdict({ text: JSON.stringify(frame) })
        expect(verdict).toBe(tooLong ? 'TOO_LONG' : 'ok')
        if (tooLong) return
        const valid = validateFrame(decodeFrame(JSON.stringify(frame), false), OPTIONS) as unknown as Record<string, unknown>
        for (const key of Object.keys(valid))
          expect([
            'type',
            'id',
            'conversationId',
            'afterSeq',
            'beforeSeq',
            'limit',
            'toAgentId',
            'messageId',
            'cursor',
            'score',
            'comment',
            'seq',
            'kind',
            'text',
            'image',
          ]).toContain(key)
        expect(valid.type).toBe(frame.type)
      }),
      RUNS,
    )
  })

  it('jsonCodec decodes what it encodes and throws only TypeError or SyntaxError on anything else', () => {
    fc.assert(
      fc.property(wellFormedFrame(NONE), (frame) => {
        expect(jsonCodec.decode(jsonCodec.encode(frame as never) as string)).toEqual(frame)
      }),
      RUNS,
    )
    fc.assert(
      fc.property(anyWire(NONE), (wire) => {
        try {
          const frame = jsonCodec.decode('binary' in wire ? (wire.binary.buffer as ArrayBuffer) : wire.text)
          expect(typeof frame.type).toBe('string')
        } catch (err) {
          expect(err instanceof TypeError || err instanceof SyntaxError).toBe(true)
        }
      }),
      RUNS,
    )
  })
})
