/**
 * Where the reference server is, in one place. Devtools (tourist mode, `urlCheck: false`)
 * reaches `npm start` on this machine at the defaults. On a phone, use your server's
 * `https://` origin: the socket then becomes `wss://…/ws`, and both domains must be in the
 * mini-program's legal-domain list (request, uploadFile, socket, downloadFile). See README.
 */
import type { ReconnectOptions, HeartbeatOptions, PersistOptions, QueueOptions, TransportName, PollingUrl } from './lib/index'

export interface AppConfig {
  /** HTTP origin of the server: login, uploads and images. Default `http://127.0.0.1:8080`. */
  server: string
  /** The chat socket. Default: `server` with `http`→`ws` (`https`→`wss`) and path `/ws`. */
  socket?: string
  /** ChatSocket tuning; anything left out keeps ChatSocket's defaults. */
  reconnect?: ReconnectOptions
  heartbeat?: HeartbeatOptions
  /** Default ChatSocket's, paced (`rate`, `burst`) for the reference server's frame limit: `paceFor(FRAME_RATE_LIMIT)`. */
  queue?: QueueOptions
  /** The socket's outbox in `wx` storage (bounds, key); `false` turns it off. Default: on, ChatSocket's bounds. */
  persist?: Omit<PersistOptions, 'storage'> | false
  /**
   * `['websocket', 'polling']`: where WebSocket is refused (a proxy answering the upgrade with
   * 403, or `fallbackAfter` failed connects in a row), the chat goes on over HTTP long-polling
   * through `wx.request` (the server's polling endpoint beside `/ws`), and moves back to
   * WebSocket when a probe opens. Default ChatSocket's: `['websocket']`.
   */
  transports?: TransportName[]
  /** Failed WebSocket connects in a row before polling. Default ChatSocket's (3). */
  fallbackAfter?: number
  /** ms between WebSocket probes while on polling. Default ChatSocket's (30 s). */
  probeInterval?: number
  /** The polling endpoint. Default: the socket URL with `ws`→`http` on the same path. */
  pollingUrl?: PollingUrl
  /** Messages per history page (scrolling to the top loads the next). Default 20. */
  historyPageSize?: number
  /** ms a burst of list changes is collected before one `setData`. Default 30. */
  batchDelay?: number
}

export const config: AppConfig = {
  server: 'http://127.0.0.1:8080',
}

/** The socket URL `config` implies. */
export function socketUrl(c: AppConfig): string {
  if (c.socket !== undefined) return c.socket
  return `${c.server.replace(/^http(s?):\/\//, 'ws$1://').replace(/\/+$/, '')}/ws`
}
