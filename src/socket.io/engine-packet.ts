/**
 * Engine.IO protocol 4 packets over WebSocket: one packet per WebSocket message. A text
 * message is the packet type's digit followed by its data; a binary message is a `message`
 * packet whose data is the whole ArrayBuffer (no type byte).
 */

export const EnginePacketTypes = { open: 0, close: 1, ping: 2, pong: 3, message: 4, upgrade: 5, noop: 6 } as const

export type EnginePacketType = keyof typeof EnginePacketTypes

/** The `open` packet's data: the session and the server's heartbeat. */
export interface EngineHandshake {
  sid: string
  /** ms between the server's pings. */
  pingInterval: number
  /** ms the server waits for a pong; the client counts the link dead after pingInterval + pingTimeout without a ping. */
  pingTimeout: number
  /** Largest payload the server takes, bytes. */
  maxPayload: number
  upgrades: string[]
}

export type EnginePacket =
  | { type: 'open'; data: EngineHandshake }
  | { type: 'message'; data: string | ArrayBuffer }
  | { type: 'close' | 'ping' | 'pong' | 'upgrade' | 'noop'; data?: string }

const NAMES = Object.keys(EnginePacketTypes) as EnginePacketType[]

/** Decodes one WebSocket message; throws an Error naming what is wrong. */
export function decodeEnginePacket(data: string | ArrayBuffer): EnginePacket {
  if (typeof data !== 'string') {
    if (data instanceof ArrayBuffer) return { type: 'message', data }
    throw new TypeError('engine.io: a message is neither text nor an ArrayBuffer')
  }
  const type = NAMES[data.charCodeAt(0) - 48]
  if (type === undefined) throw new Error(`engine.io: unknown packet type ${JSON.stringify(data.charAt(0))}`)
  const rest = data.slice(1)
  if (type === 'open') return { type, data: parseHandshake(rest) }
  if (type === 'message') return { type, data: rest }
  return rest.length > 0 ? { type, data: rest } : { type }
}

function parseHandshake(text: string): EngineHandshake {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw new Error('engine.io: the open packet is not JSON')
  }
  const h = value as Partial<EngineHandshake> | null
  if (
    typeof h !== 'object' ||
    h === null ||
    typeof h.sid !== 'string' ||
    !(typeof h.pingInterval === 'number' && h.pingInterval > 0) ||
    !(typeof h.pingTimeout === 'number' && h.pingTimeout > 0)
  ) {
    throw new Error('engine.io: the open packet lacks sid, pingInterval or pingTimeout')
  }
  return {
    sid: h.sid,
    pingInterval: h.pingInterval,
    pingTimeout: h.pingTimeout,
    maxPayload: typeof h.maxPayload === 'number' ? h.maxPayload : Infinity,
    upgrades: Array.isArray(h.upgrades) ? h.upgrades.filter((u): u is string => typeof u === 'string') : [],
  }
}

/** Encodes a packet the client sends: `pong`, `close`, or a `message` (text, or binary as is). */
export function encodeEnginePacket(type: Exclude<EnginePacketType, 'open'>, data?: string | ArrayBuffer): string | ArrayBuffer {
  if (typeof data === 'object') {
    if (type !== 'message') throw new TypeError('engine.io: only message packets carry binary data')
    return data
  }
  return String(EnginePacketTypes[type]) + (data ?? '')
}
