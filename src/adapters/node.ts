import type { ConnectSocket, ConnectSocketOptions } from '../types'
import { toSocketTask, type WebSocketLike } from './web'

/** The parts of Node's `ws` WebSocket used here (structural, so `ws` stays an optional peer). */
export interface NodeWebSocketLike extends WebSocketLike {
  send(data: string | ArrayBuffer, cb?: (error?: Error) => void): void
}

export type NodeWebSocketConstructor = new (
  url: string,
  protocols?: string | string[],
  options?: { headers?: Record<string, string>; perMessageDeflate?: boolean; handshakeTimeout?: number },
) => NodeWebSocketLike

/**
 * `connectSocket` for Node on top of the `ws` package, with handshake headers:
 * `new ChatSocket({ url, connectSocket: createNodeConnectSocket(WebSocket) })`.
 */
export function createNodeConnectSocket(WebSocketImpl: NodeWebSocketConstructor): ConnectSocket {
  if (typeof WebSocketImpl !== 'function') {
    throw new TypeError("createNodeConnectSocket(WebSocket): pass the WebSocket class from the 'ws' package")
  }
  return (options: ConnectSocketOptions) => {
    const socket = new WebSocketImpl(options.url, options.protocols, {
      ...(options.header && { headers: options.header }),
      perMessageDeflate: options.perMessageDeflate ?? false,
      ...(options.timeout !== undefined && { handshakeTimeout: options.timeout }),
    })
    return toSocketTask(socket, (data, done) => socket.send(data, done))
  }
}
