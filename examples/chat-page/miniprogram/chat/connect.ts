// One concern: making the socket. ChatSocket uses wx.connectSocket and wx's app show/hide and
// network events by default, so the page (and a test that installs its own `wx`) needs nothing else.
import { ChatSocket } from 'miniprogram-chat-socket'

export function connectChat(url: string): ChatSocket {
  return new ChatSocket({
    url,
    // Give up on a send after 15 s of open link without an ack (the default, said out loud).
    queue: { sendTimeout: 15_000 },
  })
}
