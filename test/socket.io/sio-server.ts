/** A real socket.io server on 127.0.0.1 (port 0 the first time), restartable on the same port. */
import { createServer, type Server as HttpServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Server, type ServerOptions } from 'socket.io'
import WebSocket from 'ws'
import { createNodeConnectSocket } from '../../src/adapters/node'
import type { Clock, ConnectSocket } from '../../src/types'
import { createWxSocketShim, type WxSocketShim } from '../helpers/wx-socket'

export interface SioServer {
  io: Server
  port: number
  url: string
  /** Closes every connection and the listener. */
  stop(): Promise<void>
  /** stop(), then a fresh server on the same port, set up by the same `setup`. */
  restart(): Promise<void>
}

export async function startSioServer(setup: (io: Server) => void, options: Partial<ServerOptions> = {}): Promise<SioServer> {
  let http: HttpServer
  let port = 0
  const listen = async (): Promise<Server> => {
    http = createServer()
    const io = new Server(http, { transports: ['websocket'], ...options })
    setup(io)
    await new Promise<void>((resolve) => http.listen(port, '127.0.0.1', resolve))
    port = (http.address() as AddressInfo).port
    return io
  }
  const server: SioServer = {
    io: await listen(),
    port,
    url: `http://127.0.0.1:${port}`,
    async stop() {
      const io = server.io
      const closed = new Promise<void>((resolve) => {
        void io.close(() => resolve())
      })
      // As a process that stops: keep-alive HTTP connections (polling) end with it.
      http.closeAllConnections()
      await closed
    },
    async restart() {
      await server.stop()
      server.io = await listen()
    },
  }
  server.port = port
  server.url = `http://127.0.0.1:${port}`
  return server
}

/** Every wx shim made: calls the real WeChat API would reject land in their `violations`. */
export const shims: WxSocketShim[] = []

/** What the shims saw that WeChat would refuse, emptied. */
export function takeViolations(): string[] {
  return shims.splice(0).flatMap((s) => s.violations)
}

/** The two client platforms every test runs on: Node's `ws` through the adapter, and the WeChat-faithful shim. */
export const platforms: Array<[string, () => ConnectSocket & { count(): number }]> = [
  [
    'ws adapter',
    () => {
      const inner = createNodeConnectSocket(WebSocket)
      let n = 0
      return Object.assign((o: Parameters<ConnectSocket>[0]) => (n++, inner(o)), { count: () => n })
    },
  ],
  [
    'wx shim',
    () => {
      const shim = createWxSocketShim()
      shims.push(shim)
      return Object.assign((o: Parameters<ConnectSocket>[0]) => shim(o), { count: () => shim.tasks.length })
    },
  ],
]

/** The system timers, counting the ones still pending (a leak check after `disconnect()`). */
export function countingClock(): Clock & { live: Set<unknown> } {
  const live = new Set<unknown>()
  return {
    live,
    now: () => Date.now(),
    setTimeout(fn, ms) {
      const handle = setTimeout(() => {
        live.delete(handle)
        fn()
      }, ms)
      live.add(handle)
      return handle
    },
    clearTimeout(handle) {
      live.delete(handle)
      clearTimeout(handle as ReturnType<typeof setTimeout>)
    },
  }
}

/** Resolves with the first emission of `event` on `target` (args as an array). */
export function next<T extends unknown[] = unknown[]>(
  target: { once(event: string, fn: (...args: unknown[]) => void): unknown },
  event: string,
): Promise<T> {
  return new Promise((resolve) => target.once(event, (...args: unknown[]) => resolve(args as T)))
}
