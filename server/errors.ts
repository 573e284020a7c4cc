import { ServerErrorCodes, type ServerErrorCode } from '../src/protocol'

/** The protocol's server error codes (src/protocol/codes.ts), under the server's name. */
export const ChatErrorCodes = ServerErrorCodes
export type ChatErrorCode = ServerErrorCode

const HTTP_STATUS: Record<ChatErrorCode, number> = {
  BAD_REQUEST: 400,
  UNKNOWN_TYPE: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  TOO_LONG: 400,
  TOO_LARGE: 413,
  UNSUPPORTED_TYPE: 415,
  RATE_LIMITED: 429,
  CLOSED: 409,
  TOO_LATE: 409,
  UPSTREAM: 502,
  INTERNAL: 500,
}

/** An expected failure: it becomes a `reply` error on the socket or a JSON error body over HTTP. */
export class ChatError extends Error {
  readonly code: ChatErrorCode

  constructor(code: ChatErrorCode, message: string) {
    super(message)
    this.name = 'ChatError'
    this.code = code
  }

  get statusCode(): number {
    return HTTP_STATUS[this.code]
  }

  toJSON(): { code: ChatErrorCode; message: string } {
    return { code: this.code, message: this.message }
  }
}

export function isChatError(err: unknown): err is ChatError {
  return err instanceof ChatError
}
