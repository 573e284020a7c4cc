/**
 * The ChatSocket layer of the protocol (docs/protocol.md §1): liveness (`ping`/`pong`) and
 * delivery (`id`, `ack`, `reply`, `error`). It knows nothing about chat: any server that
 * answers these frames works with ChatSocket.
 */

/** A frame on the wire: a JSON object with a string `type`. */
export interface Frame {
  type: string
  id?: string
  [key: string]: unknown
}

/** A server error as `reply` and `error` frames carry it. */
export interface ErrorBody {
  code: string
  message: string
}

/** "Received": the answer to a frame with an `id` that asks for no data. May carry extra fields (the chat layer adds `seq`, `ts`, `conversationId`). */
export interface AckFrame extends Frame {
  type: 'ack'
  id: string
}

/** The answer to a request: `data`, or an `error`. */
export interface ReplyFrame<T = unknown> extends Frame {
  type: 'reply'
  id: string
  data?: T
  error?: ErrorBody
}

/** The server's answer to a frame that carried no usable `id`: nothing to reply to. */
export interface ErrorFrame extends Frame {
  type: 'error'
  error: ErrorBody
}

export interface PingFrame extends Frame {
  type: 'ping'
}

export interface PongFrame extends Frame {
  type: 'pong'
}

export function isFrame(value: unknown): value is Frame {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && typeof (value as Frame).type === 'string'
}

export function isAck(frame: Frame): frame is AckFrame {
  return frame.type === 'ack' && typeof frame.id === 'string'
}

export function isReply(frame: Frame): frame is ReplyFrame {
  return frame.type === 'reply' && typeof frame.id === 'string'
}

export const PING: PingFrame = { type: 'ping' }
export const PONG: PongFrame = { type: 'pong' }
