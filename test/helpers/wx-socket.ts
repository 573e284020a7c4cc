import WebSocket from 'ws'
import type { ConnectSocket, ConnectSocketOptions, SocketTaskLike } from '../../src/types'

/**
 * A `wx.connectSocket` built on the `ws` client that keeps WeChat's quirks, so tests catch
 * code that only works on friendlier sockets:
 * - no readyState and no off*: listeners stay for the task's life;
 * - close() needs `{code, reason}` with code 1000 or 3000–4999 and reason ≤ 123 bytes;
 *   anything else fails (and is recorded in `violations`);
 * - callbacks run asynchronously; send on a task that is not open fails.
 */
export interface WxSocketShim extends ConnectSocket {
  /** Every task created, newest last. */
  readonly tasks: WxTask[]
  /** Misuse the real WeChat API would reject. A test can assert it stays empty. */
  readonly violations: string[]
}

export interface WxTask extends SocketTaskLike {
  readonly url: string
  readonly header: Record<string, string> | undefined
  /** The underlying ws client, for tests that need to break the link. */
  readonly ws: WebSocket
}

const utf8 = (s: string): number => Buffer.byteLength(s, 'utf8')

export function createWxSocketShim(): WxSocketShim {
  const tasks: WxTask[] = []
  const violations: string[] = []
  const connect = (options: ConnectSocketOptions): WxTask => {
    const ws = new WebSocket(options.url, options.protocols, {
      ...(options.header && { headers: options.header }),
      perMessageDeflate: false,
      handshakeTimeout: options.timeout ?? 60000,
    })
    ws.binaryType = 'arraybuffer'
    const later = (fn: () => void): void => void setImmediate(fn)
    const on = {
      open: [] as Array<(r: { header?: Record<string, string> }) => void>,
      close: [] as Array<(r: { code: number; reason: string }) => void>,
      error: [] as Array<(r: { errMsg: string }) => void>,
      message: [] as Array<(r: { data: string | ArrayBuffer }) => void>,
    }
    ws.on('open', () => on.open.forEach((fn) => fn({ header: {} })))
    ws.on('message', (data: Buffer | ArrayBuffer, isBinary: boolean) => {
      const payload = isBinary ? (data as ArrayBuffer) : Buffer.from(data as ArrayBuffer).toString('utf8')
      on.message.forEach((fn) => fn({ data: payload }))
    })
    ws.on('error', (err) => on.error.forEach((fn) => fn({ errMsg: err.message })))
    ws.on('close', (code, reason) => on.close.forEach((fn) => fn({ code, reason: reason.toString() })))
    const task: WxTask = {
      url: options.url,
      header: options.header,
      ws,
      send({ data, success, fail }) {
        if (ws.readyState !== WebSocket.OPEN) return later(() => fail?.({ errMsg: 'sendSocketMessage:fail WebSocket is not connected' }))
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
        if (ws.readyState === WebSocket.CONNECTING) ws.terminate()
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
