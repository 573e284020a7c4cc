/** Chinese texts for the conversation's status, shared by the entry page and the chat page. */
import type { Conversation, CustomerStatus } from '../lib/chat/index'

/** The entry page's line about my conversation. */
export function statusText(status: CustomerStatus, conversation: Conversation | null): string {
  switch (status) {
    case 'none':
      return '暂无进行中的会话'
    case 'queued':
      return '排队中，客服马上就来'
    case 'assigned':
      return '正在为您接入客服…'
    case 'open':
      return `客服 ${conversation?.agent?.name ?? ''} 为您服务中`
    case 'closed':
      return '上次会话已结束'
  }
}

/** The chat page's notice under the banner; '' when there is nothing to say. */
export function chatNotice(conversation: Conversation | null): string {
  if (conversation === null) return '正在连接客服…'
  switch (conversation.status) {
    case 'queued':
      return '当前排队中，客服接入后会第一时间回复您'
    case 'assigned':
      return '正在为您接入客服…'
    case 'open':
    case 'closed':
      // Closed: the server's system line (会话已结束) says it, and the footer offers 重新咨询.
      return ''
  }
}

/** The navigation bar title of the chat page. */
export function chatTitle(conversation: Conversation | null): string {
  const agent = conversation?.agent?.name
  return agent ? `客服 · ${agent}` : '在线客服'
}
