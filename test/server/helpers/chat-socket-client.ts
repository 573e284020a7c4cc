import WebSocket from 'ws'
import { ChatSocket, createNodeConnectSocket, type ChatSocketOptions } from '../../../src'
import type { Frame } from '../../../src/types'

export interface ChatClient {
  socket: ChatSocket
  /** Every frame the server pushed (ChatSocket's `message` event). */
  pushes: Frame[]
  /** Resolves with the first push (from now on, or already received) that matches. */
  push(match: (f: Frame) => boolean, what?: string): Promise<Frame>
  /** Resolves on the next `open` event. */
  nextOpen(): Promise<void>
  /** Resolves with the next `close` event. */
  nextClose(): Promise<{ code: number; reason: string; willReconnect: boolean }>
}

/**
 * A ChatSocket over the Node adapter, the way the mini-program and the console use it:
 * the token as a Bearer header, resolved on every connect; fast reconnects for tests.
 * `url` may be a function, e.g. one that waits for a test's go-ahead before each connect.
 * `options` replace these settings option by option (a `queue` given replaces the whole `queue`).
 */
export function chatClient(
  url: string | (() => Promise<string>),
  token: () => string,
  options: Partial<Omit<ChatSocketOptions, 'url' | 'header'>> = {},
): ChatClient {
  const socket = new ChatSocket({
    url,
    header: () => ({ authorization: `Bearer ${token()}` }),
    connectSocket: createNodeConnectSocket(WebSocket),
    lifecycle: false,
    reconnect: { minDelay: 20, maxDelay: 200, jitter: 0 },
    queue: { sendTimeout: 20_000 },
    ...options,
  })
  const pushes: Frame[] = []
  const waiters: Array<{ match: (f: Frame) => boolean; resolve: (f: Frame) => void }> = []
  socket.on('message', (frame) => {
    pushes.push(frame)
    for (const w of [...waiters])
      if (w.match(frame)) {
        waiters.splice(waiters.indexOf(w), 1)
        w.resolve(frame)
      }
  })
  return {
    socket,
    pushes,
    push(match, what = 'a push') {
      const found = pushes.find(match)
      if (found) return Promise.resolve(found)
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), 15_000)
        waiters.push({
          match,
          resolve: (f) => {
            clearTimeout(timer)
            resolve(f)
          },
        })
      })
    },
    nextOpen: () =>
      new Promise((resolve) => {
        const off = socket.on('open', () => {
          off()
          resolve()
        })
      }),
    nextClose: () =>
      new Promise((resolve) => {
        const off = socket.on('close', (e) => {
          off()
          resolve(e)
        })
      }),
  }
}

/** A gate a `url` function can wait on: closed, connects wait; open, they go through. */
export function gate(): { wait: () => Promise<void>; open: () => void; close: () => void } {
  let release: (() => void) | null = null
  let promise: Promise<void> = Promise.resolve()
  return {
    wait: () => promise,
    open: () => {
      release?.()
      release = null
      promise = Promise.resolve()
    },
    close: () => {
      if (release) return
      promise = new Promise((resolve) => (release = resolve))
    },
  }
}
