import { decodeFrame, PAGE_LIMITS, validateFrame, type RawFrame } from '../../server/frames'
import { textLength } from '../../src/protocol'
import { UPLOAD_URL_PATTERN } from '../../server/frame-schemas'
import { uploadNameFromUrl } from '../../server/uploads'

const IMAGE_URL = `/uploads/${'a'.repeat(64)}.png`
const options = { textMaxLength: 2000 }
const validate = (frame: Record<string, unknown>) => validateFrame(frame as RawFrame, options)
const failure = (run: () => unknown): { code?: string; message: string } => {
  try {
    run()
  } catch (err) {
    return err as { code?: string; message: string }
  }
  throw new Error('it did not throw')
}

describe('decodeFrame', () => {
  it.each([
    ['not json', /frame is not valid JSON/],
    ['42', /frame must be a JSON object with a string "type"/],
    ['null', /frame must be a JSON object/],
    ['[1,2]', /frame must be a JSON object/],
    ['{"no":"type"}', /frame needs "type": a non-empty string/],
    ['{"type":""}', /"type" must be a non-empty string/],
    ['{"type":5}', /"type" must be a non-empty string/],
    ['{"type":"message","id":7}', /"id" must be a string of 1 to 128 characters/],
    [`{"type":"session","id":"${'x'.repeat(129)}"}`, /"id" must be a string of 1 to 128 characters/],
  ])('refuses %s with BAD_REQUEST', (data, message) => {
    expect(failure(() => decodeFrame(data, false))).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(message) })
  })

  it('refuses binary frames', () => {
    const binary = failure(() => decodeFrame(Buffer.from('{"type":"ping"}'), true))
    expect(binary).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/binary/) })
  })

  it('keeps the fields of a frame whose type it does not know yet', () => {
    expect(decodeFrame(Buffer.from('{"type":"sync","id":"r1","afterSeq":3}'), false)).toEqual({ type: 'sync', id: 'r1', afterSeq: 3 })
  })
})

describe('validateFrame', () => {
  it.each([
    [{ type: 'session' }, /"session" needs "id": a string of 1 to 128 characters/],
    [{ type: 'sync', id: 'r' }, /"sync" needs "conversationId"/],
    [{ type: 'sync', id: 'r', conversationId: 'x', afterSeq: '3' }, /"afterSeq" must be an integer ≥ 0/],
    [{ type: 'sync', id: 'r', conversationId: 'x', afterSeq: -1 }, /"afterSeq" must be an integer ≥ 0/],
    [{ type: 'history', id: 'r', conversationId: 'x', beforeSeq: 1.5 }, /"beforeSeq" must be an integer ≥ 0/],
    [{ type: 'sync', id: 'r', conversationId: 'x', afterSeq: 0, limit: 0 }, /"limit" must be an integer ≥ 1/],
    [{ type: 'sync', id: 'r', conversationId: 42, afterSeq: 0 }, /"conversationId" must be a string of 1 to 128 characters/],
    [{ type: 'transfer', id: 'r', conversationId: 'x' }, /"transfer" needs "toAgentId"/],
    [{ type: 'read', id: 'r', conversationId: 'x', seq: 'all' }, /"seq" must be an integer ≥ 0/],
    [{ type: 'typing' }, /"typing" needs "conversationId"/],
    [{ type: 'message', id: 'm', kind: 'text' }, /"message" needs "text": a string that is not blank/],
    [{ type: 'message', id: 'm', kind: 'text', text: ' \n\t ' }, /"text" must be a string that is not blank/],
    [{ type: 'message', id: 'm', kind: 'video', text: 'x' }, /"kind" must be one of "text", "image"/],
    [{ type: 'message', id: 'm', text: 'x' }, /"kind" must be one of "text", "image"/],
    [{ type: 'message', id: 'm', kind: 'constructor' }, /"kind" must be one of/],
    [{ type: 'message', kind: 'text', text: 'x' }, /"message" needs "id"/],
    [{ type: 'message', id: 'm', kind: 'text', text: 'x', conversationId: '' }, /"conversationId" must be a string of 1 to 128 characters/],
    [{ type: 'message', id: 'm', kind: 'image' }, /"message" needs "image": an object \{ url, width\?, height\? \}/],
    [{ type: 'message', id: 'm', kind: 'image', image: 'x' }, /"image" must be an object/],
    [{ type: 'message', id: 'm', kind: 'image', image: { url: 'https://evil.example/x.png' } }, /"image.url" must be a \/uploads\/… path/],
    [{ type: 'message', id: 'm', kind: 'image', image: { url: '/uploads/../chat.db' } }, /"image.url" must be a \/uploads\/… path/],
    [
      { type: 'message', id: 'm', kind: 'image', image: { url: IMAGE_URL, width: -1 } },
      /"image.width" must be an integer from 1 to 100000/,
    ],
    [
      { type: 'message', id: 'm', kind: 'image', image: { url: IMAGE_URL, height: 100_001 } },
      /"image.height" must be an integer from 1 to 100000/,
    ],
  ])('refuses %j with BAD_REQUEST naming the field', (frame, message) => {
    expect(failure(() => validate(frame))).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(message) })
  })

  it.each([['nope'], ['constructor'], ['__proto__'], ['toString']])('answers UNKNOWN_TYPE to type %s', (type) => {
    const unknown = failure(() => validate({ type, id: 'r' }))
    expect(unknown).toMatchObject({ code: 'UNKNOWN_TYPE', message: expect.stringMatching(/unknown frame type .* \(known: ping, session/) })
  })

  it('measures text in code points against textMaxLength, with TOO_LONG', () => {
    const text = (t: string) => ({ type: 'message', id: 'm', kind: 'text', text: t })
    expect(failure(() => validate(text('字'.repeat(2001))))).toMatchObject({
      code: 'TOO_LONG',
      message: 'text is longer than 2000 characters',
    })
    expect(validate(text('😀'.repeat(2000)))).toMatchObject({ kind: 'text' })
    expect(failure(() => validateFrame(text('abcd') as RawFrame, { textMaxLength: 3 }))).toMatchObject({ code: 'TOO_LONG' })
    expect(textLength('😀字a')).toBe(3)
  })

  it('fills in and caps page limits', () => {
    expect(validate({ type: 'sync', id: 'r', conversationId: 'c', afterSeq: 0 })).toMatchObject({ limit: PAGE_LIMITS.sync.default })
    expect(validate({ type: 'sync', id: 'r', conversationId: 'c', afterSeq: 0, limit: 10_000 })).toMatchObject({
      limit: PAGE_LIMITS.sync.max,
    })
    expect(validate({ type: 'history', id: 'r', conversationId: 'c', beforeSeq: 0 })).toMatchObject({ limit: PAGE_LIMITS.history.default })
    expect(validate({ type: 'history', id: 'r', conversationId: 'c', beforeSeq: 0, limit: 5 })).toMatchObject({ limit: 5 })
  })

  it('drops the fields a frame does not have, and takes conversationId: null as omitted', () => {
    expect(validate({ type: 'ping', id: 'p', extra: 1 })).toEqual({ type: 'ping' })
    expect(validate({ type: 'typing', id: 't', conversationId: 'c' })).toEqual({ type: 'typing', conversationId: 'c' })
    const image = {
      type: 'message',
      id: 'm',
      conversationId: null,
      kind: 'image',
      image: { url: IMAGE_URL, width: 3, alt: 'x' },
      from: 'system',
    }
    expect(validate(image)).toEqual({ type: 'message', id: 'm', kind: 'image', image: { url: IMAGE_URL, width: 3 } })
    const text = { type: 'message', id: 'm', kind: 'text', text: 'hi', seq: 1, ts: 2 }
    expect(validate(text)).toEqual({ type: 'message', id: 'm', kind: 'text', text: 'hi' })
  })
})

describe('the image url rule', () => {
  it.each([
    [IMAGE_URL],
    [`/uploads/${'0123456789abcdef'.repeat(4)}.webp`],
    [`/uploads/${'a'.repeat(64)}.svg`],
    [`/uploads/${'A'.repeat(64)}.png`],
    [`/uploads/${'a'.repeat(63)}.png`],
    [`/uploads/${'a'.repeat(64)}.png\n`],
    [`/uploads/${'a'.repeat(64)}.png?x=1`],
    [`https://host/uploads/${'a'.repeat(64)}.png`],
    ['/uploads/'],
    ['/uploadsx/a.png'],
  ])("is uploadNameFromUrl's: %s", (url) => {
    expect(new RegExp(UPLOAD_URL_PATTERN, 'u').test(url)).toBe(uploadNameFromUrl(url) !== null)
  })
})
