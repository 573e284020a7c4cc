/** The console's Simplified Chinese wording, in one place. */
import type { ConversationStatus, MessageStatus } from 'miniprogram-chat-socket/chat'
import type { SocketState } from 'miniprogram-chat-socket'

export const TITLE = '客服工作台'

export const STATUS_LABEL: Record<ConversationStatus, string> = {
  queued: '排队中',
  assigned: '待接入',
  open: '接待中',
  closed: '已结束',
}

export const MESSAGE_STATUS_LABEL: Record<MessageStatus, string> = {
  sending: '发送中…',
  sent: '未读',
  read: '已读',
  failed: '发送失败，点击重试',
}

export const SOCKET_STATE_LABEL: Record<SocketState, string> = {
  idle: '未连接',
  connecting: '正在连接服务器…',
  open: '已连接',
  reconnecting: '连接已断开，正在重新连接…',
  closed: '连接已关闭',
}

/** Server error codes (docs/protocol.md) as an agent should read them. */
export const ERROR_TEXT: Record<string, string> = {
  UNAUTHORIZED: '用户名或密码错误',
  RATE_LIMITED: '操作过于频繁，请稍后再试',
  FORBIDDEN: '没有权限进行此操作',
  NOT_FOUND: '会话不存在',
  CONFLICT: '该会话已被其他客服接入',
  CLOSED: '会话已结束',
  TOO_LONG: '消息太长了（最多 2000 字）',
  TOO_LARGE: '图片太大了（最大 5 MB）',
  UNSUPPORTED_TYPE: '仅支持 PNG、JPEG、GIF、WebP 图片',
  BAD_REQUEST: '请求无效',
  INTERNAL: '服务器出错了，请稍后再试',
  TIMEOUT: '服务器没有及时响应，请稍后再试',
  NETWORK: '无法连接服务器，请检查网络',
}

/** A readable message for an error from the API or the socket (`serverCode` or `code`). */
export function errorText(err: unknown, fallback = '操作失败，请重试'): string {
  if (typeof err === 'object' && err !== null) {
    const e = err as { serverCode?: unknown; code?: unknown }
    for (const code of [e.serverCode, e.code]) {
      if (typeof code === 'string' && ERROR_TEXT[code] !== undefined) return ERROR_TEXT[code]
    }
  }
  return fallback
}
