/**
 * HTTP long-polling beside the socket (docs/protocol.md, "Long-polling"): what ChatSocket's
 * PollingTransport and the reference server's polling endpoint agree on. The frames are the
 * socket's own; polling only carries them in batches.
 *
 * - `POST <path>` without `sid`: opens a session, answered with a `PollingHandshake`.
 * - `GET <path>?sid=S&ack=N`: the held poll. Answers at once when frames after `N` are
 *   waiting, else after up to `hold` ms: a batch whose first record is the seq of its first
 *   frame (the next seq when it has none).
 * - `POST <path>?sid=S`: a batch of frames (no seq record), answered 204 once handed to the server.
 * - `DELETE <path>?sid=S&code=C&reason=R`: the client closes the session.
 * - A WebSocket to `<path>?sid=S` whose first frame is `{"type":"upgrade","ack":N}` takes the
 *   session over: the server sends every frame after `N` on it, then everything later.
 */

/** Separates the records of a batch. JSON text never holds it raw (JSON.stringify escapes U+001E). */
export const RECORD_SEPARATOR = '\x1e'

/** The first frame on a WebSocket that takes a polling session over. */
export const UPGRADE_FRAME = 'upgrade'

export interface UpgradeFrame {
  type: typeof UPGRADE_FRAME
  /** The seq of the last frame the client received by polling (0 for none). */
  ack: number
}

/** The answer to the opening `POST`. */
export interface PollingHandshake {
  /** The session id: `sid` on every later request of this session. */
  sid: string
  /** ms the server holds a poll when nothing is waiting. */
  hold: number
  /** ms without a poll after which the server ends the session. */
  idleTimeout: number
}

/** The body of a 410 answer: the session ended, with the close code a socket would have had. */
export interface PollingClosed {
  error: { code: string; message: string }
  close: { code: number; reason: string }
}

/** Joins records into one body. */
export function encodeBatch(records: readonly string[]): string {
  return records.join(RECORD_SEPARATOR)
}

/** Splits a body into its records (an empty body has none). */
export function decodeBatch(body: string): string[] {
  return body === '' ? [] : body.split(RECORD_SEPARATOR)
}
