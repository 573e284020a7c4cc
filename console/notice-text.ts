/**
 * System notices as an agent reads them. The server stores the customer's wording as the text
 * (已为您转接至客服 小李) and the facts as `notice`; the console words the facts for agents
 * (小美 将会话转接给 小李). A notice without facts (an older server) keeps its text.
 */
import { previewText, type ChatMessage } from 'miniprogram-chat-socket/chat'

type Named = { name?: unknown; role?: unknown } | undefined

function nameOf(who: Named, fallback: string): string {
  return typeof who?.name === 'string' && who.name !== '' ? who.name : fallback
}

export function agentNoticeText(message: Pick<ChatMessage, 'text' | 'notice'>): string {
  const notice = message.notice
  switch (notice?.code) {
    case 'queued':
      return '顾客进入排队，等待客服接入'
    case 'assigned':
      return `会话已分配给客服 ${nameOf(notice.agent, '客服')}`
    case 'transferred':
      return `${nameOf(notice.from, '客服')} 将会话转接给 ${nameOf(notice.agent, '客服')}`
    case 'closed':
      return notice.by?.role === 'customer' ? '顾客结束了会话' : `${nameOf(notice.by, '客服')} 结束了会话`
    default:
      return message.text ?? ''
  }
}

/** A list row's preview: the newest message that is not a notice, else the notice in agents' words. */
export function rowPreview(lastChat: ChatMessage | null | undefined, last: ChatMessage | null): string {
  if (lastChat) return previewText(lastChat)
  if (last === null) return ''
  return last.kind === 'system' ? previewText({ kind: 'text', text: agentNoticeText(last) }) : previewText(last)
}
