// One concern: what the user reads for each socket state.
import type { SocketState } from 'miniprogram-chat-socket'

const TEXT: Record<SocketState, string> = {
  idle: '未连接',
  connecting: '连接中…',
  open: '已连接',
  reconnecting: '网络不稳，重连中…',
  closed: '已断开',
}

export function statusText(state: SocketState): string {
  return TEXT[state]
}
