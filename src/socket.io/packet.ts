import { deconstruct, hasBinary, reconstruct } from './binary'

/**
 * Socket.IO protocol 5 packets, carried in Engine.IO `message` packets:
 * `<type>[<attachments>-][<nsp>,][<ack id>][<JSON data>]`, the namespace left out when it is
 * `/`; a binary event or ack is that text followed by one binary message per attachment.
 */
export const PacketTypes = {
  CONNECT: 0,
  DISCONNECT: 1,
  EVENT: 2,
  ACK: 3,
  CONNECT_ERROR: 4,
  BINARY_EVENT: 5,
  BINARY_ACK: 6,
} as const

export type PacketType = (typeof PacketTypes)[keyof typeof PacketTypes]

/** A decoded packet; binary events and acks come out as EVENT and ACK with their buffers in place. */
export interface Packet {
  type: PacketType
  nsp: string
  id?: number
  data?: unknown
}

/** Event names the client keeps for itself; the server cannot send them and `emit` refuses them. */
export const RESERVED_EVENTS = ['connect', 'connect_error', 'disconnect', 'disconnecting', 'newListener', 'removeListener']

/** Most binary attachments one packet may announce (socket.io-parser's default). */
export const MAX_ATTACHMENTS = 10

/** Encodes a packet as the messages to write: its text, then its binary attachments. */
export function encodePacket(packet: Packet): Array<string | ArrayBuffer> {
  let type: number = packet.type
  let data = packet.data
  const buffers: ArrayBuffer[] = []
  if ((type === PacketTypes.EVENT || type === PacketTypes.ACK) && hasBinary(data)) {
    data = deconstruct(data, buffers)
    type = type === PacketTypes.EVENT ? PacketTypes.BINARY_EVENT : PacketTypes.BINARY_ACK
  }
  let text = String(type)
  if (buffers.length > 0) text += `${buffers.length}-`
  if (packet.nsp !== '/') text += `${packet.nsp},`
  if (packet.id !== undefined) text += String(packet.id)
  if (data !== undefined) text += JSON.stringify(data)
  return [text, ...buffers]
}

const isObject = (v: unknown): boolean => Object.prototype.toString.call(v) === '[object Object]'

function payloadValid(type: number, data: unknown): boolean {
  switch (type) {
    case PacketTypes.CONNECT:
      return data === undefined || isObject(data)
    case PacketTypes.DISCONNECT:
      return data === undefined
    case PacketTypes.CONNECT_ERROR:
      return typeof data === 'string' || isObject(data)
    case PacketTypes.EVENT:
    case PacketTypes.BINARY_EVENT:
      return Array.isArray(data) && (typeof data[0] === 'number' || (typeof data[0] === 'string' && !RESERVED_EVENTS.includes(data[0])))
    default:
      return Array.isArray(data)
  }
}

/** Parses a packet's text; `attachments` is how many binary messages follow it. */
export function decodePacketText(text: string): Packet & { attachments: number } {
  const type = text.charCodeAt(0) - 48
  if (!(type >= 0 && type <= 6)) throw new Error(`socket.io: unknown packet type ${JSON.stringify(text.charAt(0))}`)
  let i = 1
  let attachments = 0
  if (type === PacketTypes.BINARY_EVENT || type === PacketTypes.BINARY_ACK) {
    const dash = text.indexOf('-', i)
    const digits = dash < 0 ? '' : text.slice(i, dash)
    if (!/^\d+$/.test(digits)) throw new Error('socket.io: a binary packet without its attachment count')
    attachments = Number(digits)
    if (attachments < 1 || attachments > MAX_ATTACHMENTS) {
      throw new Error(`socket.io: ${attachments} attachments (1–${MAX_ATTACHMENTS} allowed)`)
    }
    i = dash + 1
  }
  let nsp = '/'
  if (text.charAt(i) === '/') {
    const comma = text.indexOf(',', i)
    const end = comma < 0 ? text.length : comma
    nsp = text.slice(i, end)
    i = end + 1
  }
  let id: number | undefined
  const idMatch = /^\d+/.exec(text.slice(i, i + 16))
  if (idMatch) {
    id = Number(idMatch[0])
    i += idMatch[0].length
  }
  let data: unknown
  if (i < text.length) {
    try {
      data = JSON.parse(text.slice(i))
    } catch {
      throw new Error('socket.io: the packet data is not JSON')
    }
  }
  if (!payloadValid(type, data)) throw new Error(`socket.io: invalid data for packet type ${type}`)
  if (
    id !== undefined &&
    type !== PacketTypes.EVENT &&
    type !== PacketTypes.BINARY_EVENT &&
    type !== PacketTypes.ACK &&
    type !== PacketTypes.BINARY_ACK
  ) {
    throw new Error(`socket.io: packet type ${type} carries no ack id`)
  }
  if ((type === PacketTypes.ACK || type === PacketTypes.BINARY_ACK) && id === undefined) throw new Error('socket.io: an ack without its id')
  const packet: Packet & { attachments: number } = { type: type as PacketType, nsp, data, attachments }
  if (id !== undefined) packet.id = id
  return packet
}

/**
 * Turns the messages of one link into packets: text packets at once, binary ones once their
 * attachments have arrived. One decoder per link (a new link starts clean). Throws on a
 * malformed message; the decoder is then reset.
 */
export class PacketDecoder {
  private pending: (Packet & { attachments: number }) | null = null
  private buffers: ArrayBuffer[] = []

  /** The packet `message` completes, or null while attachments are still expected. */
  add(message: string | ArrayBuffer): Packet | null {
    try {
      return this.take(message)
    } catch (error) {
      this.pending = null
      this.buffers = []
      throw error
    }
  }

  private take(message: string | ArrayBuffer): Packet | null {
    if (typeof message === 'string') {
      if (this.pending !== null) throw new Error('socket.io: text while binary attachments were expected')
      const packet = decodePacketText(message)
      if (packet.attachments === 0) return strip(packet)
      this.pending = packet
      return null
    }
    const pending = this.pending
    if (pending === null) throw new Error('socket.io: a binary message that no packet announced')
    this.buffers.push(message)
    if (this.buffers.length < pending.attachments) return null
    const buffers = this.buffers
    this.pending = null
    this.buffers = []
    pending.data = reconstruct(pending.data, buffers)
    pending.type = pending.type === PacketTypes.BINARY_EVENT ? PacketTypes.EVENT : PacketTypes.ACK
    return strip(pending)
  }
}

function strip(p: Packet & { attachments: number }): Packet {
  const packet: Packet = { type: p.type, nsp: p.nsp }
  if (p.id !== undefined) packet.id = p.id
  if (p.data !== undefined) packet.data = p.data
  return packet
}
