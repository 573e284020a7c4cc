/** The testing kit's WeChat-faithful connectSocket over `ws` (src/testing/wx-socket-over-ws.ts), on this repository's `ws`. */
import WebSocket from 'ws'
import { createWxSocketOverWs, type WxSocketOverWs, type WxTask as KitTask } from '../../src/testing'

export type WxSocketShim = WxSocketOverWs<WebSocket>
export type WxTask = KitTask<WebSocket>

export function createWxSocketShim(): WxSocketShim {
  return createWxSocketOverWs(WebSocket)
}
