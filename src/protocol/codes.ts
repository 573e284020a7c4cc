/**
 * Every code of the wire protocol, defined once (docs/protocol.md): WebSocket close codes and
 * the server's error codes. The client, the reference server, the console and the pages
 * import them from here; a literal like `4001` or `'RATE_LIMITED'` elsewhere is a bug.
 */

/** WebSocket close codes, by who sends them. */
export const CloseCodes = {
  /** Client: `close()` was called. */
  NORMAL: 1000,
  /** Server: shutting down (SIGTERM/SIGINT). Reconnect with backoff. */
  GOING_AWAY: 1001,
  /** No close frame: the network dropped, or the server cut a socket that missed a protocol ping. Never sent. */
  ABNORMAL: 1006,
  /** Server: a WebSocket named a polling session it cannot take over (unknown, ended, another user's), or sent no `upgrade` frame first. */
  POLICY: 1008,
  /** Server (`ws` itself): a frame over the size limit. */
  TOO_BIG: 1009,
  /** Server: an internal error ended the socket. */
  INTERNAL: 1011,
  /** Client: ChatSocket gave up on a link itself (heartbeat or connect timeout, failed send). */
  ABANDONED: 4000,
  /** Server: the token is no longer good (expired, revoked). Log in again before reconnecting. */
  TOKEN_REFUSED: 4001,
  /** Server: the socket read its frames too slowly (too much was waiting unsent for it). Reconnect with backoff, then sync. */
  SLOW_READER: 4009,
  /** Server: the user already has as many sockets open as the server allows (3 per customer, 10 per agent). Reconnect with backoff. */
  TOO_MANY_SOCKETS: 4010,
} as const

export type CloseCode = (typeof CloseCodes)[keyof typeof CloseCodes]

/**
 * The server's error codes: `error.code` of `reply` and `error` frames and of HTTP error
 * bodies. On the client a refused request is a `SocketError` with code `SERVER` and one of
 * these as `serverCode`.
 */
export const ServerErrorCodes = {
  /** Malformed JSON, a missing or wrong-typed field. */
  BAD_REQUEST: 'BAD_REQUEST',
  UNKNOWN_TYPE: 'UNKNOWN_TYPE',
  /** No token, or a token the server does not take. */
  UNAUTHORIZED: 'UNAUTHORIZED',
  /** Not your conversation, or a customer doing agent work. */
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  /** Another agent has the conversation, the target agent is offline, a message id someone else used. */
  CONFLICT: 'CONFLICT',
  /** Text over the length limit. */
  TOO_LONG: 'TOO_LONG',
  /** A body or upload over its size limit. */
  TOO_LARGE: 'TOO_LARGE',
  UNSUPPORTED_TYPE: 'UNSUPPORTED_TYPE',
  /** Too many frames or requests; slow down and send again later. */
  RATE_LIMITED: 'RATE_LIMITED',
  /** The conversation is closed. */
  CLOSED: 'CLOSED',
  /** Too late for it: a recall after `RECALL_WINDOW_MS`. */
  TOO_LATE: 'TOO_LATE',
  /** A service the server depends on (WeChat's login) failed. */
  UPSTREAM: 'UPSTREAM',
  /** A bug; details only in the server log. */
  INTERNAL: 'INTERNAL',
} as const

export type ServerErrorCode = (typeof ServerErrorCodes)[keyof typeof ServerErrorCodes]
