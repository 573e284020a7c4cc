import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import type { WebSocket } from 'ws'

/**
 * Lets go of the HTTP upgrade once its socket is open (issue 15: memory per idle connection).
 *
 * For every socket, @fastify/websocket keeps the upgrade alive as long as the socket lives:
 * its 'error' listener is a closure over fastify's Request and Reply (for the plugin's
 * errorHandler), and the ServerResponse it made for the upgrade stays assigned to the TCP
 * socket (`socket._httpMessage`), holding the IncomingMessage with its headers, the Request,
 * the Reply, the request's pino child and a 'finish' listener. A heap snapshot of 2,000 idle
 * sockets put that at about 3.5 KB each, more than the `ws` socket itself
 * (`node scripts/run-ts.mjs bench/server-heap.ts`).
 *
 * This swaps the plugin's 'error' listener for `onError` (called with the socket as `this`) and detaches the ServerResponse from the TCP socket, as Node does when a response ends.
 * The response was hijacked at the upgrade: nothing is ever written through it.
 */
export function releaseUpgrade(ws: WebSocket, request: IncomingMessage, onError: (this: WebSocket, error: Error) => void): void {
  for (const listener of ws.listeners('error')) ws.off('error', listener as (error: Error) => void)
  ws.on('error', onError)
  const tcp = request.socket as Socket & { _httpMessage?: ServerResponse | null }
  const response = tcp._httpMessage
  if (response) response.detachSocket(tcp)
}
