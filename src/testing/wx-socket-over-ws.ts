import type { ConnectSocket, ConnectSocketOptions, SocketTaskLike } from '../types'

/** The parts of the `ws` package's client WebSocket used here (structural: pass `require('ws')`). */
export interface WsClientLike {
  readonly readyState: number
  binaryType: string
  on(event: 'open', listener: () => void): unknown
  on(event: 'message', listener: (data: Uint8Array | ArrayBuffer, isBinary: boolean) => void): unknown
  on(event: 'error', listener: (error: Error) => void): unknown
  on(event: 'close', listener: (code: number, reason: Uint8Array) => void): unknown
  send(data: string | ArrayBuffer, cb?: (error?: Error) => void): void
  close(code?: number, reason?: string): void
  terminate(): void
}

/** The `ws` package's WebSocket class (`import WebSocket from 'ws'`). */
export type WsClientConstructor<W extends WsClientLike = WsClientLike> = new (
  url: string,
  protocols: string | string[] | undefined,
  options: { headers?: Record<string, string>; perMessageDeflate?: boolean; handshakeTimeout?: number },
) => W

/** A SocketTask of `createWxSocketOverWs`: WeChat's task plus what a test needs to see or break. */
export interface WxTask<W extends WsClientLike = WsClientLike> extends SocketTaskLike {
  readonly url: string
  readonly header: Record<string, string> | undefined
  /** The underlying `ws` client: `task.ws.terminate()` cuts the link without a close frame. */
  readonly ws: W
}

/** A `wx.connectSocket` over `ws`, with the tasks it made and the misuse it saw. */
export interface WxSocketOverWs<W extends WsClientLike = WsClientLike> extends ConnectSocket {
  (options: ConnectSocketOptions): WxTask<W>
  /** Every task created, newest last. */
  readonly tasks: Array<WxTask<W>>
  /** Calls the real WeChat API would reject (a close code outside 1000/3000–4999, a long reason…). Assert it stays empty. */
  readonly violations: string[]
}

const OPEN = 1
const CONNECTING = 0
const utf8 = (s: string): number => new TextEncoder().encode(s).length
const later = (fn: () => void): void => void setImmediate(fn)

/**
 * A `wx.connectSocket` built on the `ws` client that keeps WeChat's SocketTask semantics, so
 * integration tests catch code that only works on friendlier sockets:
 * - no `readyState` and no `off*`: listeners stay for the task's life;
 * - `close()` needs an options object, code 1000 or 3000–4999 and a reason of at most 123
 *   UTF-8 bytes; anything else fails (its `fail` callback) and is recorded in `violations`;
 * - callbacks run asynchronously; `send()` on a task that is not open fails;
 * - text frames arrive as strings, binary ones as ArrayBuffers.
 *
 * `const connectSocket = createWxSocketOverWs(WebSocket)` with `import WebSocket from 'ws'`.
 */
export function createWxSocketOverWs<W extends WsClientLike>(WebSocketImpl: WsClientConstructor<W>): WxSocketOverWs<W> {
  if (typeof WebSocketImpl !== 'function') {
    throw new TypeError("createWxSocketOverWs(WebSocket): pass the WebSocket class of the 'ws' package")
  }
  const tasks: Array<WxTask<W>> = []
  const violations: string[] = []
  const connect = (options: ConnectSocketOptions): WxTask<W> => {
    const ws = new WebSocketImpl(options.url, options.protocols, {
      ...(options.header && { headers: options.header }),
      perMessageDeflate: false,
      handshakeTimeout: options.timeout ?? 60000,
    })
    ws.binaryType = 'arraybuffer'
    const on = {
      open: [] as Array<(r: { header?: Record<string, string> }) => void>,
      close: [] as Array<(r: { code: number; reason: string }) => void>,
      error: [] as Array<(r: { errMsg: string }) => void>,
      message: [] as Array<(r: { data: string | ArrayBuffer }) => void>,
    }
    ws.on('open', () => on.open.forEach((fn) => fn({ header: {} })))
    ws.on('message', (data, isBinary) => {
      const bytes = data instanceof ArrayBuffer ? data : data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength)
      const payload = isBinary ? (bytes as ArrayBuffer) : new TextDecoder().decode(data)
      on.message.forEach((fn) => fn({ data: payload }))
    })
    ws.on('error', (err) => on.error.forEach((fn) => fn({ errMsg: err.message })))
    ws.on('close', (code, reason) => on.close.forEach((fn) => fn({ code, reason: new TextDecoder().decode(reason) })))
    const task: WxTask<W> = {
      url: options.url,
      header: options.header,
      ws,
      send({ data, success, fail }) {
        if (ws.readyState !== OPEN) return later(() => fail?.({ errMsg: 'sendSocketMessage:fail WebSocket is not connected' }))
        ws.send(data, (err) => {
          if (err) fail?.({ errMsg: `sendSocketMessage:fail ${err.message}` })
          else success?.({ errMsg: 'sendSocketMessage:ok' })
        })
      },
      close(opts) {
        if (typeof opts !== 'object' || opts === null) {
          violations.push('close() called without an options object')
          return
        }
        const code = opts.code ?? 1000
        const reason = opts.reason ?? ''
        if (code !== 1000 && (code < 3000 || code > 4999)) {
          violations.push(`close() with code ${code}`)
          return later(() => opts.fail?.({ errMsg: `closeSocket:fail invalid code ${code}` }))
        }
        if (utf8(reason) > 123) {
          violations.push(`close() with a ${utf8(reason)}-byte reason`)
          return later(() => opts.fail?.({ errMsg: 'closeSocket:fail reason too long' }))
        }
        if (ws.readyState === CONNECTING) ws.terminate()
        else ws.close(code, reason)
        later(() => opts.success?.({ errMsg: 'closeSocket:ok' }))
      },
      onOpen: (fn) => void on.open.push(fn),
      onClose: (fn) => void on.close.push(fn),
      onError: (fn) => void on.error.push(fn),
      onMessage: (fn) => void on.message.push(fn),
    }
    tasks.push(task)
    return task
  }
  return Object.assign(connect, { tasks, violations })
}
