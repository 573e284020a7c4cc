/**
 * What the client and the server helper (`miniprogram-chat-socket/socket.io-server`) agree
 * on. The client always adds `QUERY_FLAG=1` to the handshake URL (an unmodified server
 * ignores an unknown query parameter). A namespace running the helper answers it with the
 * `HELLO_EVENT` before the namespace's CONNECT packet, so the client knows before its first
 * emit on that connection; only then does it append `{ [KEY_FIELD]: key }` as the last
 * argument of every `emitWithAck`, which the helper strips before any handler sees it. A
 * server without the helper never sees a key: its handlers get exactly what was emitted.
 */
export const QUERY_FLAG = 'mcs'
export const HELLO_EVENT = 'mcs:exactly-once'
export const KEY_FIELD = 'mcs:key'
/** Version of this agreement, the hello's argument. */
export const EXACTLY_ONCE_VERSION = 1

/** The key marker `args` ends with, or undefined. */
export function keyOf(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined
  const keys = Object.keys(value)
  const key = (value as Record<string, unknown>)[KEY_FIELD]
  return keys.length === 1 && typeof key === 'string' && key.length > 0 ? key : undefined
}
