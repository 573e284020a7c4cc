/**
 * A WHATWG-style `WebSocket` class on top of a WeChat `SocketTask` (`wx.connectSocket`), so
 * the peers that expect a WebSocket constructor (partysocket, reconnecting-websocket) run on
 * the same faithful shim as ChatSocket in the throughput benchmark. It is the glue a
 * mini-program developer writes to use those libraries, kept to the minimum they call:
 * `readyState`, `binaryType`, `on*` handlers and `addEventListener`, `send`, `close`.
 */
import type { ConnectSocket, SocketTaskLike } from '../../src/types'

type Listener = (event: unknown) => void

export function taskWebSocketClass(connectSocket: ConnectSocket): unknown {
  return class TaskWebSocket {
    static readonly CONNECTING = 0
    static readonly OPEN = 1
    static readonly CLOSING = 2
    static readonly CLOSED = 3
    readonly CONNECTING = 0
    readonly OPEN = 1
    readonly CLOSING = 2
    readonly CLOSED = 3
    readyState = 0
    binaryType = 'arraybuffer'
    bufferedAmount = 0
    extensions = ''
    protocol = ''
    onopen: Listener | null = null
    onclose: Listener | null = null
    onerror: Listener | null = null
    onmessage: Listener | null = null
    private readonly listeners = new Map<string, Set<Listener>>()
    private readonly task: SocketTaskLike

    constructor(
      readonly url: string,
      protocols?: string | string[],
    ) {
      const list = typeof protocols === 'string' ? [protocols] : protocols
      // The shims benchmarked here return the task itself (a Promise of one is Taro's shape).
      this.task = connectSocket({ url, ...(list && list.length > 0 ? { protocols: list } : {}) }) as SocketTaskLike
      this.task.onOpen(() => {
        this.readyState = 1
        this.dispatch('open', { type: 'open' })
      })
      this.task.onMessage(({ data }) => this.dispatch('message', { type: 'message', data }))
      this.task.onError(({ errMsg }) => this.dispatch('error', { type: 'error', message: errMsg }))
      this.task.onClose(({ code, reason }) => {
        this.readyState = 3
        this.dispatch('close', { type: 'close', code, reason, wasClean: code === 1000 })
      })
    }

    send(data: string | ArrayBuffer): void {
      this.task.send({ data })
    }

    close(code = 1000, reason = ''): void {
      if (this.readyState >= 2) return
      this.readyState = 2
      this.task.close({ code, reason })
    }

    addEventListener(type: string, fn: Listener): void {
      let set = this.listeners.get(type)
      if (!set) this.listeners.set(type, (set = new Set()))
      set.add(fn)
    }

    removeEventListener(type: string, fn: Listener): void {
      this.listeners.get(type)?.delete(fn)
    }

    private dispatch(type: 'open' | 'message' | 'error' | 'close', event: unknown): void {
      const handler = this[`on${type}`]
      if (handler) handler(event)
      for (const fn of this.listeners.get(type) ?? []) fn(event)
    }
  }
}
