/** The console's one ChatSocket: the browser WebSocket, the token in the URL (browsers cannot set headers). */
import { ChatSocket, createWebConnectSocket } from 'miniprogram-chat-socket'
import { FRAME_RATE_LIMIT, paceFor } from 'miniprogram-chat-socket/chat'
import { browserLifecycle } from './browser-lifecycle'

/** `ws(s)://<this host>/ws?token=...` */
export function socketUrl(loc: Location, token: string): string {
  const scheme = loc.protocol === 'https:' ? 'wss:' : 'ws:'
  return `${scheme}//${loc.host}/ws?token=${encodeURIComponent(token)}`
}

export function connectAgent(token: string, win: Window = window): ChatSocket {
  return new ChatSocket({
    url: () => socketUrl(win.location, token),
    connectSocket: createWebConnectSocket(),
    lifecycle: browserLifecycle(win, win.document),
    reconnect: { minDelay: 500, maxDelay: 10_000 },
    // What the agent sent while the link was down replays under the server's frame limit.
    queue: paceFor(FRAME_RATE_LIMIT),
  })
}
