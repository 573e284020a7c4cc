/**
 * How ChatSocket reaches a server. A transport opens links; a link carries frames both ways
 * and reports what happens to it. ChatSocket owns everything above a link (the state
 * machine, the send queue, acks, replay, heartbeats, backoff), so every transport gets the
 * same ids, acks, dedup and order.
 */

/** The transports ChatSocket can use, in the order of the `transports` option. */
export type TransportName = 'websocket' | 'polling'

/** Where one connect attempt goes: the `url` and `header` options, resolved for this attempt. */
export interface LinkTarget {
  url: string
  header?: Record<string, string>
}

/**
 * What a link reports. ChatSocket guards each callback with the link's generation, so a late
 * call from a link it has given up on is ignored: a transport never needs to unsubscribe
 * (WeChat's SocketTask cannot).
 */
export interface LinkEvents {
  /** The link is up: frames may be written. */
  open(): void
  /** One incoming frame, as the codec reads it. */
  message(data: string | ArrayBuffer): void
  /** The peer or the network closed the link. */
  close(code: number, reason: string): void
  /** The platform reported an error: before `open` the attempt failed, after it the link is broken. */
  error(message: string, cause?: unknown): void
  /** The platform refused this connect attempt. */
  failed(reason: string, cause?: unknown): void
  /** A write failed: everything written after it would arrive out of order. */
  sendFailed(cause: unknown): void
}

/** One connection to the server, from the attempt until it closes. */
export interface Link {
  /** Writes one encoded frame; `sent` runs once the platform has sent it. Failures go to `events.sendFailed`. */
  send(data: string | ArrayBuffer, sent?: () => void): void
  /** Closes the link. Closing a link that is already closed is no error. */
  close(code: number, reason: string): void
}

export interface Transport {
  readonly name: TransportName
  /** Starts one connect attempt, or returns null when it failed at once (already reported through `events.failed`). */
  connect(target: LinkTarget, events: LinkEvents): Link | null
}
