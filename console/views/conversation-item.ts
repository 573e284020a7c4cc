/** One row of a conversation list: avatar, customer name, time, preview, unread badge, and an optional accept button. */
import { previewText, type Conversation } from 'miniprogram-chat-socket/chat'
import { badge, listTime } from '../format'
import { h } from '../dom'
import { STATUS_LABEL } from '../strings'
import { avatar } from './avatar'

export interface ItemData {
  conversation: Conversation
  preview: string
  lastTs: number
  unread: number
  /** My unsent reply, shown instead of the preview ('' for none). */
  draft?: string
}

export interface ItemActions {
  select: (id: string) => void
  /** Present for rows that can be accepted. */
  accept?: (id: string) => void
}

export function conversationItem(data: ItemData, selected: boolean, now: number, actions: ItemActions): HTMLElement {
  const { conversation } = data
  const name = conversation.customer.name || '顾客'
  const status = conversation.status
  const accept = actions.accept
  const acceptButton = accept
    ? h(
        'button',
        {
          class: 'btn btn-primary btn-sm conv-accept',
          attrs: { type: 'button', 'aria-label': `接入 ${name}` },
          on: {
            click: (e) => {
              e.stopPropagation()
              accept(conversation.id)
            },
          },
        },
        '接入',
      )
    : null
  return h(
    'li',
    {
      class: `conv-item${selected ? ' is-selected' : ''}`,
      attrs: { role: 'option', 'aria-selected': selected ? 'true' : 'false', tabindex: 0 },
      data: { id: conversation.id, status },
      on: {
        click: () => actions.select(conversation.id),
        keydown: (e) => {
          if (e.key === 'Enter' || e.key === ' ') {
            e.preventDefault()
            actions.select(conversation.id)
          }
        },
      },
    },
    avatar(conversation.customer.id, name),
    // The name has the first line to itself but for the time: tags, badges and the accept button go on the second.
    h(
      'div',
      { class: 'conv-main' },
      h(
        'div',
        { class: 'conv-row' },
        h('span', { class: 'conv-name', attrs: { title: name } }, name),
        h('time', { class: 'conv-time', attrs: { datetime: new Date(data.lastTs).toISOString() } }, listTime(data.lastTs, now)),
      ),
      h(
        'div',
        { class: 'conv-row' },
        status === 'assigned' || status === 'queued'
          ? h('span', { class: `tag tag-${status}` }, status === 'assigned' ? '分配给我' : STATUS_LABEL.queued)
          : null,
        data.draft
          ? h(
              'span',
              { class: 'conv-preview' },
              h('span', { class: 'conv-draft' }, '[草稿]'),
              ' ',
              previewText({ kind: 'text', text: data.draft }),
            )
          : h('span', { class: 'conv-preview' }, data.preview || '（暂无消息）'),
        data.unread > 0 ? h('span', { class: 'badge', attrs: { 'aria-label': `${data.unread} 条未读` } }, badge(data.unread)) : null,
        acceptButton,
      ),
    ),
  )
}
