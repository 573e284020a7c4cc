/**
 * The codec against socket.io's own parser (socket.io-parser, engine.io-parser, as the
 * socket.io server uses them): what we encode they decode to the same packet, what they
 * encode we decode, binary attachments included; malformed input throws a clear Error.
 */
import { Decoder, Encoder, PacketType } from 'socket.io-parser'
import { decodePacket as eioDecode, encodePacket as eioEncode } from 'engine.io-parser'
import { PacketDecoder, PacketTypes, decodePacketText, encodePacket, type Packet } from '../../src/socket.io/packet'
import { decodeEnginePacket, encodeEnginePacket } from '../../src/socket.io/engine-packet'
import { fromBase64, toBase64 } from '../../src/socket.io/base64'

function theirDecode(messages: Array<string | ArrayBuffer>): unknown[] {
  const decoder = new Decoder()
  const out: unknown[] = []
  decoder.on('decoded', (p: unknown) => out.push(p))
  for (const m of messages) decoder.add(typeof m === 'string' ? m : Buffer.from(m))
  return out
}

function ourDecode(messages: Array<string | ArrayBuffer>): Array<Packet | null> {
  const decoder = new PacketDecoder()
  return messages.map((m) => decoder.add(m))
}

const bytes = (...b: number[]): ArrayBuffer => new Uint8Array(b).buffer

describe('Socket.IO packets', () => {
  const cases: Packet[] = [
    { type: PacketTypes.CONNECT, nsp: '/' },
    { type: PacketTypes.CONNECT, nsp: '/info', data: { token: '令牌' } },
    { type: PacketTypes.DISCONNECT, nsp: '/job' },
    { type: PacketTypes.EVENT, nsp: '/', data: ['chat', { text: '你好' }] },
    { type: PacketTypes.EVENT, nsp: '/info', id: 12, data: ['order:get', { id: 7 }, null, 3.5] },
    { type: PacketTypes.ACK, nsp: '/info', id: 0, data: [] },
    { type: PacketTypes.ACK, nsp: '/', id: 99, data: ['ok', { n: 1 }] },
    { type: PacketTypes.CONNECT_ERROR, nsp: '/', data: { message: 'refused', data: { why: 'x' } } },
  ]

  test.each(cases)('text packet %j: socket.io-parser reads what we write, and we read what it writes', (packet) => {
    const ours = encodePacket(packet)
    expect(ours).toHaveLength(1)
    const [decoded] = theirDecode(ours) as Array<Record<string, unknown>>
    expect(decoded).toEqual({ ...packet })
    const theirs = new Encoder().encode({ ...packet, type: packet.type }) as string[]
    expect(ours).toEqual(theirs)
    expect(ourDecode(theirs)).toEqual([packet])
  })

  test('binary event: ArrayBuffers and typed arrays become attachments and come back in place', () => {
    const packet: Packet = {
      type: PacketTypes.EVENT,
      nsp: '/files',
      id: 3,
      data: ['upload', { name: 'a.bin', body: bytes(1, 2, 3) }, new Uint8Array([9, 8]), 'tail'],
    }
    const ours = encodePacket(packet)
    expect(ours).toHaveLength(3)
    expect(ours[0]).toBe('52-/files,3["upload",{"name":"a.bin","body":{"_placeholder":true,"num":0}},{"_placeholder":true,"num":1},"tail"]')
    const [theirs] = theirDecode(ours) as Array<{ type: number; data: unknown[] }>
    expect(theirs?.type).toBe(PacketType.EVENT)
    const body = (theirs?.data[1] as { body: Buffer }).body
    expect([...body]).toEqual([1, 2, 3])
    // And a binary ack written by socket.io-parser, attachments as ArrayBuffers (as wx gives them).
    const encoded = new Encoder().encode({ type: PacketType.ACK, nsp: '/', id: 5, data: [Buffer.from([4, 5]), 'x'] }) as Array<
      string | Buffer
    >
    const messages = encoded.map((m) => (typeof m === 'string' ? m : new Uint8Array(m).buffer))
    const decoded = ourDecode(messages)
    expect(decoded[0]).toBeNull()
    const ack = decoded[1]!
    expect(ack.type).toBe(PacketTypes.ACK)
    expect(ack.id).toBe(5)
    const [buf, x] = ack.data as [ArrayBuffer, string]
    expect([...new Uint8Array(buf)]).toEqual([4, 5])
    expect(x).toBe('x')
  })

  test.each([
    ['', /unknown packet type/],
    ['9', /unknown packet type/],
    ['2not json', /not JSON/],
    ['2{"a":1}', /invalid data/],
    ['2["connect"]', /invalid data/],
    ['1/x,{"a":1}', /invalid data/],
    ['0[1]', /invalid data/],
    ['3[1]', /ack without its id/],
    ['51x["a"]', /attachment count/],
    ['50-["a"]', /attachments/],
    ['511-["a"]', /attachments/],
    ['04{}', /carries no ack id/],
  ])('malformed %j is refused with a clear error', (text, message) => {
    expect(() => decodePacketText(text)).toThrow(message)
  })

  test('a binary message nobody announced, or text amid attachments, throws and resets the decoder', () => {
    const d = new PacketDecoder()
    expect(() => d.add(bytes(1))).toThrow(/no packet announced/)
    expect(d.add('52-["a",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]')).toBeNull()
    expect(() => d.add('2["b"]')).toThrow(/text while binary/)
    expect(d.add('2["c"]')).toEqual({ type: PacketTypes.EVENT, nsp: '/', data: ['c'] })
    expect(d.add('51-["a",{"_placeholder":true,"num":4}]')).toBeNull()
    expect(() => d.add(bytes(1))).toThrow(/names no attachment/)
  })
})

describe('Engine.IO packets', () => {
  test('open, ping, close, message as engine.io-parser writes them', () => {
    const open = JSON.stringify({ sid: 's1', upgrades: [], pingInterval: 25000, pingTimeout: 20000, maxPayload: 1e6 })
    const encodedOpen = new Promise<string>((resolve) => eioEncode({ type: 'open', data: open }, false, (e) => resolve(e as string)))
    return encodedOpen.then((text) => {
      expect(decodeEnginePacket(text)).toEqual({
        type: 'open',
        data: { sid: 's1', upgrades: [], pingInterval: 25000, pingTimeout: 20000, maxPayload: 1e6 },
      })
      expect(decodeEnginePacket('2')).toEqual({ type: 'ping' })
      expect(decodeEnginePacket('2probe')).toEqual({ type: 'ping', data: 'probe' })
      expect(decodeEnginePacket('1')).toEqual({ type: 'close' })
      expect(decodeEnginePacket('42["a"]')).toEqual({ type: 'message', data: '2["a"]' })
      const buf = bytes(7)
      expect(decodeEnginePacket(buf)).toEqual({ type: 'message', data: buf })
    })
  })

  test('what we write engine.io-parser reads', () => {
    expect(eioDecode(encodeEnginePacket('pong') as string)).toEqual({ type: 'pong' })
    expect(eioDecode(encodeEnginePacket('message', '2["a"]') as string)).toEqual({ type: 'message', data: '2["a"]' })
    const buf = bytes(1, 2)
    expect(encodeEnginePacket('message', buf)).toBe(buf)
    expect(() => encodeEnginePacket('pong', buf)).toThrow(/only message/)
  })

  test.each([
    ['', /unknown packet type/],
    ['x', /unknown packet type/],
    ['0{', /not JSON/],
    ['0{"sid":"a"}', /lacks sid/],
    ['0null', /lacks sid/],
  ])('malformed engine packet %j throws', (text, message) => {
    expect(() => decodeEnginePacket(text)).toThrow(message)
  })
})

describe('base64 (polling binary packets)', () => {
  test('round trips every length 0–40 and agrees with Buffer', () => {
    for (let n = 0; n <= 40; n++) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 97 + n * 31) & 255)
      const text = toBase64(bytes.buffer)
      expect(text).toBe(Buffer.from(bytes).toString('base64'))
      expect([...new Uint8Array(fromBase64(text))]).toEqual([...bytes])
    }
  })

  test('refuses what is not base64', () => {
    expect(() => fromBase64('abc')).toThrow(/multiple of 4/)
    expect(() => fromBase64('ab!d')).toThrow(/unexpected/)
  })
})
