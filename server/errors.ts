/** Codes a client can branch on; they travel as `error.code` in `reply` and `error` frames and HTTP bodies. */
export const ChatErrorCodes = {
  BAD_REQUEST: 'BAD_REQUEST',
  UNKNOWN_TYPE: 'UNKNOWN_TYPE',
  UNAUTHORIZED: 'UNAUTHORIZED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  TOO_LONG: 'TOO_LONG',
  TOO_LARGE: 'TOO_LARGE',
  UNSUPPORTED_TYPE: 'UNSUPPORTED_TYPE',
  RATE_LIMITED: 'RATE_LIMITED',
  CLOSED: 'CLOSED',
  UPSTREAM: 'UPSTREAM',
  INTERNAL: 'INTERNAL',
} as const

export type ChatErrorCode = (typeof ChatErrorCodes)[keyof typeof ChatErrorCodes]

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
