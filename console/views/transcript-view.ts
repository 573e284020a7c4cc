/**
 * A conversation read-only (历史会话, a customer's past conversations): its messages as the
 * chat shows them, its internal notes and the customer's rating. Nothing here can send.
 */
import type { ListMessage } from 'miniprogram-chat-socket/chat'
import type { Rating, Transcript } from '../desk-api'
import { h } from '../dom'
import { fullTime } from '../format'
import { STATUS_LABEL } from '../strings'
import { messageItem } from './message-item'
import { noteItem } from './notes-view'

export function ratingView(rating: Rating | null | undefined): HTMLElement {
  if (!rating) return h('span', { class: 'rating rating-none' }, '未评价')
  const score = Math.max(0, Math.min(5, Math.round(rating.score)))
  return h(
    'span',
    { class: 'rating', attrs: { title: `满意度 ${score} / 5`, 'aria-label': `满意度 ${score} 星` }, data: { score } },
    h('span', { class: 'rating-stars', attrs: { 'aria-hidden': 'true' } }, '★'.repeat(score) + '☆'.repeat(5 - score)),
    rating.comment ? h('span', { class: 'rating-comment' }, `“${rating.comment}”`) : null,
  )
}

export function transcriptView(transcript: Transcript, me: string | undefined): HTMLElement {
  const { conversation } = transcript
  const actions = { openImage: () => undefined, resend: () => undefined }
  const items = transcript.messages.map((m) => {
    const message: ListMessage = { ...m, mine: m.from.id === me, status: null }
    return messageItem(message, actions)
  })
  return h(
    'section',
    { class: 'transcript', data: { conversation: conversation.id, status: conversation.status } },
    h(
      'header',
      { class: 'transcript-header' },
      h('h3', { class: 'transcript-title' }, conversation.customer.name || '顾客'),
      h(
        'div',
        { class: 'transcript-sub' },
        h('span', { class: `tag tag-${conversation.status}` }, STATUS_LABEL[conversation.status]),
        h('span', {}, fullTime(conversation.createdAt)),
        conversation.agent ? h('span', {}, `客服 ${conversation.agent.name}`) : null,
        ratingView(transcript.rating ?? conversation.rating),
      ),
    ),
    h('div', { class: 'transcript-messages msg-items', attrs: { role: 'log', 'aria-label': '会话记录' } }, ...items),
    transcript.notes.length > 0
      ? h('div', { class: 'transcript-notes' }, h('h4', { class: 'panel-title' }, '内部备注'), ...transcript.notes.map(noteItem))
      : null,
  )
}
