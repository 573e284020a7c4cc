/**
 * A browser cannot read why a WebSocket connect failed: a token the server no longer takes
 * (restarted with another SECRET, the agent removed) looks just like a server that is down,
 * and ChatSocket would retry it forever. After failed connects in a row, ask the server
 * (`GET /api/me`); when it refuses the token, stop and let the console log out.
 */
import type { ChatSocketEvents } from 'miniprogram-chat-socket'

/** Failed connects in a row before the first question. */
const ASK_AFTER_FAILURES = 2

export interface TokenWatchOptions {
  /** The console's socket (only its events are used). */
  socket: { on<K extends keyof ChatSocketEvents>(type: K, fn: (event: ChatSocketEvents[K]) => void): () => void }
  /** Resolves true when the server refuses the token; false when it takes it or cannot say. */
  refused: () => Promise<boolean>
  /** Called once, when the server refused the token; the watch has stopped by then. */
  onRefused: () => void
  /** Default 2. */
  askAfter?: number
}

/**
 * Counts failed connects since the link was last open; from the `askAfter`-th on, each failure
 * asks again (one question at a time). Returns the function that stops watching.
 */
export function watchToken(options: TokenWatchOptions): () => void {
  const askAfter = options.askAfter ?? ASK_AFTER_FAILURES
  let failures = 0
  let asking = false
  let stopped = false
  const offs = [
    options.socket.on('open', () => {
      failures = 0
    }),
    options.socket.on('error', (err) => {
      if (err.code !== 'CONNECT_FAILED') return
      failures++
      if (failures < askAfter || asking || stopped) return
      asking = true
      options.refused().then(
        (refused) => {
          asking = false
          if (!refused || stopped) return
          stop()
          options.onRefused()
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
