import type { ConnectSocket, ConnectSocketOptions, SocketTaskLike } from '../types'

/**
 * An event handler property. Declared with method syntax so that it is checked bivariantly:
 * the DOM's and `ws`'s handlers take richer event types than the fields read here.
 */
type EventHandler<E> = { bivarianceHack(event: E): void }['bivarianceHack'] | null

/** The WHATWG WebSocket surface the adapters use (browsers, and Node's `ws`). */
export interface WebSocketLike {
  readonly readyState: number
  binaryType: string
  onopen: EventHandler<unknown>
  onclose: EventHandler<{ code: number; reason: string }>
  onerror: EventHandler<unknown>
  onmessage: EventHandler<{ data: unknown }>
  send(data: string | ArrayBuffer): void
  close(code?: number, reason?: string): void
}

export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => WebSocketLike

const OPEN = 1

type SendFn = (data: string | ArrayBuffer, done?: (error?: Error) => void) => void

/** Wraps a WHATWG WebSocket as a WeChat-shaped SocketTask. Callbacks run asynchronously, as in WeChat. */
export function toSocketTask(socket: WebSocketLike, sendFn?: SendFn): SocketTaskLike {
  socket.binaryType = 'arraybuffer'
  const later = (fn: () => void): void => void Promise.resolve().then(fn)
  return {
    send({ data, success, fail }) {
      if (socket.readyState !== OPEN) return later(() => fail?.({ errMsg: 'sendSocketMessage:fail socket is not open' }))
      const done = (error?: Error): void => {
        if (error) fail?.({ errMsg: `sendSocketMessage:fail ${error.message}` })
        else success?.({ errMsg: 'sendSocketMessage:ok' })
      }
      // No callback when no one waits for the write (acked sends, posts): ws then skips its
      // per-message callback bookkeeping, and a failed write still surfaces as error and close.
      if (sendFn) return sendFn(data, success ? done : undefined)
      try {
        socket.send(data)
      } catch (error) {
        return later(() => done(error as Error))
      }
      if (success) later(() => done())
    },
    close({ code, reason, success, fail }) {
      try {
        socket.close(code, reason)
        if (success) later(() => success({ errMsg: 'closeSocket:ok' }))
      } catch (error) {
        if (fail) later(() => fail({ errMsg: `closeSocket:fail ${(error as Error).message}` }))
      }
    },
    onOpen: (fn) => void (socket.onopen = () => fn({})),
    onClose: (fn) => void (socket.onclose = (e) => fn({ code: e.code, reason: e.reason })),
    onError: (fn) => void (socket.onerror = (e) => fn({ errMsg: errorMessage(e) })),
    onMessage: (fn) =>
      void (socket.onmessage = (e) => {
        const data = e.data
        fn({ data: typeof data === 'string' || data instanceof ArrayBuffer ? data : String(data) })
      }),
  }
}

function errorMessage(event: unknown): string {
  const e = event as { message?: unknown; error?: { message?: unknown } } | null
  const text = e?.message ?? e?.error?.message
  return typeof text === 'string' && text ? text : 'WebSocket error'
}

/**
 * `connectSocket` for browsers: `new ChatSocket({ url, connectSocket: createWebConnectSocket() })`.
 * Browsers cannot set handshake headers: pass a token in the URL instead (`header` is ignored).
 */
export function createWebConnectSocket(WebSocketImpl?: WebSocketConstructor): ConnectSocket {
  return (options: ConnectSocketOptions) => {
    const Impl = WebSocketImpl ?? (globalThis as unknown as { WebSocket?: WebSocketConstructor }).WebSocket
    if (!Impl) throw new TypeError('createWebConnectSocket: no global WebSocket; pass a WebSocket constructor')
    return toSocketTask(new Impl(options.url, options.protocols))
  }
}
