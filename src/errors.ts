/** Codes a program can branch on: `if (err.code === 'QUEUE_FULL')`. */
export const ErrorCodes = {
  /** The socket was closed by `close()` or gave up reconnecting; the send will never go out. */
  CLOSED: 'CLOSED',
  /** `queue.maxSize` sends are already waiting. */
  QUEUE_FULL: 'QUEUE_FULL',
  /** No ack (or reply) within the send's timeout. */
  TIMEOUT: 'TIMEOUT',
  /** The server replied with an error; see `serverCode`. */
  SERVER: 'SERVER',
  /** An incoming frame could not be decoded or made no sense. */
  DECODE: 'DECODE',
  /** The platform refused to send or encode a frame. */
  SEND_FAILED: 'SEND_FAILED',
  /** A connect attempt failed (url/header function threw, connectSocket failed, error before open). */
  CONNECT_FAILED: 'CONNECT_FAILED',
  /**
   * The `persist` outbox could not read or write its storage, or is full: the sends concerned
   * go on in memory (they are still sent and acked) but would not survive the app being killed.
   */
  STORAGE: 'STORAGE',
} as const

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes]

export interface SocketErrorDetails {
  /** For code SERVER: the server's own error code, e.g. 'FORBIDDEN'. */
  serverCode?: string
  /** The message id the error belongs to, when there is one. */
  id?: string
  cause?: unknown
}

export class SocketError extends Error {
  readonly code: ErrorCode
  readonly serverCode?: string
  readonly id?: string
  readonly cause?: unknown

  constructor(code: ErrorCode, message: string, details: SocketErrorDetails = {}) {
    super(message)
    this.name = 'SocketError'
    this.code = code
    if (details.serverCode !== undefined) this.serverCode = details.serverCode
    if (details.id !== undefined) this.id = details.id
    if (details.cause !== undefined) this.cause = details.cause
  }
}
