/**
 * The left column: "待接入" (conversations routed to me and not accepted yet, then the queue
 * anyone may take, oldest first) and "我的会话" (accepted ones, most recent first, with
 * unread counts, last message preview and time). Bound to the desk's `queue` and
 * `conversations` events.
 */
import type { AgentDesk, DeskConversation } from 'miniprogram-chat-socket/chat'
import { h, reconcile, setText, type View } from '../dom'
import type { Drafts } from '../drafts'
import { listTime } from '../format'
import { rowPreview } from '../notice-text'
import { conversationItem, type ItemActions, type ItemData } from './conversation-item'

export interface ListsActions {
  select: (id: string) => void
  accept: (id: string) => void
}

export class ConversationListsView implements View {
  readonly el: HTMLElement
  private readonly waitingList: HTMLElement
  private readonly mineList: HTMLElement
  private readonly waitingCount: HTMLElement
  private readonly mineCount: HTMLElement
  private readonly unsubscribes: Array<() => void>
  private selected: string | null = null
  private readonly rows = new Map<string, { key: string; el: HTMLElement }>()

  constructor(
    private readonly desk: AgentDesk,
    private readonly drafts: Drafts,
    private readonly actions: ListsActions,
  ) {
    this.waitingCount = h('span', { class: 'section-count' })
    this.mineCount = h('span', { class: 'section-count' })
    this.waitingList = h('ul', { class: 'conv-list', attrs: { role: 'listbox', 'aria-label': '待接入' }, data: { list: 'waiting' } })
    this.mineList = h('ul', { class: 'conv-list', attrs: { role: 'listbox', 'aria-label': '我的会话' }, data: { list: 'mine' } })
    this.el = h(
      'aside',
      { class: 'sidebar' },
      h(
        'section',
        { class: 'side-section side-waiting' },
        h('h2', { class: 'section-title' }, '待接入', this.waitingCount),
        this.waitingList,
      ),
      h('section', { class: 'side-section side-mine' }, h('h2', { class: 'section-title' }, '我的会话', this.mineCount), this.mineList),
    )
    this.unsubscribes = [
      desk.on('queue', () => this.render()),
      desk.on('conversations', () => this.render()),
      drafts.on('change', () => this.render()),
    ]
    this.render()
  }

  select(id: string | null): void {
    this.selected = id
    this.render()
  }

  dispose(): void {
    for (const off of this.unsubscribes.splice(0)) off()
  }

  private render(): void {
    const now = Date.now()
    const mine = this.desk.conversations
    const assigned = mine.filter((d) => d.conversation.status === 'assigned').map(fromDesk)
    const queued: ItemData[] = this.desk.queue.map((conversation) => ({
      conversation,
      preview: rowPreview(conversation.lastChatMessage, conversation.lastMessage),
      lastTs: conversation.lastMessage?.ts ?? conversation.createdAt,
      unread: conversation.agentUnread ?? 0,
    }))
    const waiting = [...assigned, ...queued]
    const open = mine.filter((d) => d.conversation.status === 'open').map(fromDesk)
    const withAccept = { select: this.actions.select, accept: this.actions.accept }
    const seen = new Set<string>()
    const rows = (items: ItemData[], actions: ItemActions): Node[] =>
      items.map((item) => {
        const id = item.conversation.id
        const selected = id === this.selected
        // The open conversation's draft is in its composer; the others' show in their rows.
        item.draft = selected ? '' : this.drafts.get(id)
        // A row that shows the same is kept, so a click on it is never lost to a re-render.
        const key = JSON.stringify([
          !!actions.accept,
          selected,
          item.conversation.status,
          item.conversation.customer.name,
          item.preview,
          item.lastTs,
          item.unread,
          item.draft,
          listTime(item.lastTs, now),
        ])
        seen.add(id)
        const held = this.rows.get(id)
        if (held?.key === key) return held.el
        const el = conversationItem(item, selected, now, actions)
        this.rows.set(id, { key, el })
        return el
      })
    reconcile(this.waitingList, waiting.length > 0 ? rows(waiting, withAccept) : [empty('暂无等待接入的顾客')])
    reconcile(this.mineList, open.length > 0 ? rows(open, { select: this.actions.select }) : [empty('暂无接待中的会话')])
    for (const id of Array.from(this.rows.keys())) if (!seen.has(id)) this.rows.delete(id)
    setText(this.waitingCount, String(waiting.length))
    setText(this.mineCount, String(open.length))
  }
}

function fromDesk(d: DeskConversation): ItemData {
  return { conversation: d.conversation, preview: rowPreview(d.lastChatMessage, d.lastMessage), lastTs: d.lastTs, unread: d.unread }
}

function empty(text: string): HTMLElement {
  return h('li', { class: 'conv-empty' }, text)
}
