/**
 * The token policy of every client (the console and the mini-program alike). A client cannot
 * always read why a connect failed: a token the server no longer takes (restarted with
 * another SECRET, the agent removed, the password reset) answers HTTP 401 before the
 * upgrade, which a browser's WebSocket and `wx.connectSocket` report just like a server
 * that is down, and ChatSocket would retry it forever. So:
 * - a link the server closes with `TOKEN_REFUSED` (4001) is a refused token at once;
 * - after `askAfter` failed connects in a row, ask the server (`refused`, e.g. `GET /api/me`),
 *   one question at a time, again at each later failure, until a link opens.
 * On a refused token `onRefused` runs: the console logs out; the mini-program logs in again.
 */
import { ErrorCodes } from '../errors'
import { CloseCodes } from '../protocol'
import type { ChatSocketEvents } from '../types'

/** Failed connects in a row before the first question. */
export const ASK_AFTER_FAILURES = 2

export interface TokenWatchOptions {
  /** The client's socket (only its events are used). */
  socket: { on<K extends keyof ChatSocketEvents>(type: K, fn: (event: ChatSocketEvents[K]) => void): () => void }
  /** Resolves true when the server refuses the token; false when it takes it or cannot say. */
  refused: () => Promise<boolean>
  /** Called when the server refused the token. */
  onRefused: () => void
  /** Default 2 (`ASK_AFTER_FAILURES`). */
  askAfter?: number
  /**
   * Default true: stop watching after the first refusal (the client gives the socket up, as
   * the console does when it logs out). `false`: start counting again, for a client that gets
   * a new token and reconnects on the same socket (the mini-program).
   */
  once?: boolean
}

/** Starts watching; returns the function that stops it (a question still open is then ignored). */
export function watchToken(options: TokenWatchOptions): () => void {
  const askAfter = options.askAfter ?? ASK_AFTER_FAILURES
  const once = options.once ?? true
  let failures = 0
  let asking = false
  let stopped = false
  const refused = (): void => {
    failures = 0
    if (once) stop()
    options.onRefused()
  }
  const offs = [
    options.socket.on('open', () => {
      failures = 0
    }),
    options.socket.on('close', (event) => {
      if (event.code === CloseCodes.TOKEN_REFUSED && !stopped) refused()
    }),
    options.socket.on('error', (err) => {
      // Compared by code, not instanceof: the chat and socket bundles are separate files.
      if (err.code !== ErrorCodes.CONNECT_FAILED) return
      failures++
      if (failures < askAfter || asking || stopped) return
      asking = true
      options.refused().then(
        (answer) => {
          asking = false
          if (answer && !stopped) refused()
        },
        () => {
          asking = false
        },
      )
    }),
  ]
  const stop = (): void => {
    stopped = true
    for (const off of offs.splice(0)) off()
  }
  return stop
}
