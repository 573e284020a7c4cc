/**
 * The scrolling message list of one conversation, bound to a `ConversationClient`:
 * renders its messages with time labels, keeps the view at the bottom when it was there,
 * keeps the reading position when older history arrives, and pages in older history when
 * the agent scrolls near the top.
 */
import {
  formatTimeLabel,
  shouldShowTime,
  type ConversationClient,
  type ConversationClientState,
  type ListChange,
  type ListMessage,
} from 'miniprogram-chat-socket/chat'
import { h, reconcile, setText, type View } from '../dom'
import { messageItem, updateMessageItem, type MessageActions } from './message-item'

/** Within this many px of the bottom counts as "at the bottom". */
const BOTTOM_SLACK = 48
/** Within this many px of the top pages in older history. */
const TOP_TRIGGER = 80

export class MessageListView implements View {
  readonly el: HTMLElement
  private readonly history: HTMLElement
  private readonly list: HTMLElement
  private readonly held = new Map<string, { message: ListMessage; el: HTMLElement }>()
  private readonly labels = new Map<string, HTMLElement>()
  private readonly unsubscribes: Array<() => void>
  private atBottom = true
  private mounted = false
  /** The list's height changes when the reply box grows: at the bottom, it stays there. */
  private readonly resize = new ResizeObserver(() => {
    if (this.mounted && this.atBottom) this.scrollToBottom()
  })

  constructor(
    private readonly client: ConversationClient,
    private readonly actions: MessageActions,
  ) {
    this.history = h('div', { class: 'history-state' })
    this.list = h('div', { class: 'msg-items' })
    this.el = h(
      'div',
      {
        class: 'messages',
        attrs: { role: 'log', 'aria-live': 'polite', 'aria-label': '消息记录', tabindex: 0 },
        on: { scroll: () => this.onScroll() },
      },
      this.history,
      this.list,
    )
    // Images that finish loading change the height: stay at the bottom if we were there.
    this.el.addEventListener('load', () => this.atBottom && this.scrollToBottom(), true)
    this.unsubscribes = [client.on('change', (change) => this.render(change)), client.on('state', (state) => this.onState(state))]
    this.render(null)
    this.renderHistory(client.state)
  }

  /** Call once the element is in the document (measuring needs layout). */
  mount(): void {
    this.mounted = true
    this.resize.observe(this.el)
    this.scrollToBottom()
    this.fill()
  }

  dispose(): void {
    for (const off of this.unsubscribes.splice(0)) off()
    this.resize.disconnect()
    this.mounted = false
  }

  scrollToBottom(): void {
    this.el.scrollTop = this.el.scrollHeight
    this.atBottom = true
  }

  private render(change: ListChange | null): void {
    const messages = this.client.messages
    const now = Date.now()
    const beforeHeight = this.el.scrollHeight
    const beforeTop = this.el.scrollTop
    const stick = this.atBottom || (change?.type === 'append' && change.messages.some((m) => m.mine))
    const nodes: Node[] = []
    const seen = new Set<string>()
    messages.forEach((message, index) => {
      seen.add(message.id)
      const timed = shouldShowTime(messages, index)
      if (timed) nodes.push(this.label(message, now))
      const el = this.item(message)
      // A run of messages from one sender shows the avatar and name once.
      const previous = messages[index - 1]
      el.classList.toggle(
        'msg-cont',
        !timed && previous !== undefined && previous.kind !== 'system' && message.kind !== 'system' && previous.from.id === message.from.id,
      )
      nodes.push(el)
    })
    for (const id of Array.from(this.held.keys())) {
      if (!seen.has(id)) {
        this.held.delete(id)
        this.labels.delete(id)
      }
    }
    reconcile(this.list, nodes)
    if (!this.mounted) return
    if (change?.type === 'prepend' || (change?.type === 'insert' && change.index === 0)) {
      this.el.scrollTop = beforeTop + (this.el.scrollHeight - beforeHeight)
    } else if (stick) {
      this.scrollToBottom()
    }
  }

  private item(message: ListMessage): HTMLElement {
    const held = this.held.get(message.id)
    if (held === undefined) {
      const el = messageItem(message, this.actions)
      this.held.set(message.id, { message, el })
      return el
    }
    if (held.message.recalled !== message.recalled) {
      // Recalled: its content is gone, so the element is made again (the list puts it in place).
      const el = messageItem(message, this.actions)
      this.held.set(message.id, { message, el })
      return el
    }
    if (held.message !== message) {
      updateMessageItem(held.el, message)
      held.message = message
    }
    return held.el
  }

  private label(message: ListMessage, now: number): HTMLElement {
    let el = this.labels.get(message.id)
    if (el === undefined) {
      el = h('div', { class: 'time-label' })
      this.labels.set(message.id, el)
    }
    setText(el, formatTimeLabel(message.ts, now))
    return el
  }

  private onState(state: ConversationClientState): void {
    this.renderHistory(state)
    if (state.loaded && this.mounted) this.fill()
  }

  private renderHistory(state: ConversationClientState): void {
    const { loaded, loadingOlder, hasMore } = state
    const mode = !loaded || loadingOlder ? 'loading' : hasMore ? 'more' : 'end'
    if (this.history.dataset.mode === mode) return
    this.history.dataset.mode = mode
    if (mode === 'more') {
      reconcile(this.history, [
        h('button', { class: 'link-button', attrs: { type: 'button' }, on: { click: () => this.loadOlder() } }, '查看更早的消息'),
      ])
    } else {
      reconcile(this.history, [])
      setText(this.history, mode === 'loading' ? '正在加载消息…' : '没有更早的消息了')
    }
  }

  private onScroll(): void {
    const el = this.el
    this.atBottom = el.scrollHeight - el.scrollTop - el.clientHeight <= BOTTOM_SLACK
    if (el.scrollTop <= TOP_TRIGGER) this.loadOlder()
  }

  private loadOlder(): void {
    const { loaded, hasMore, loadingOlder } = this.client.state
    if (!loaded || !hasMore || loadingOlder) return
    void this.client.loadOlder().then(() => this.fill())
  }

  /** While the messages do not fill the view, older ones are fetched (scrolling up is impossible then). */
  private fill(): void {
    if (!this.mounted) return
    if (this.el.scrollHeight <= this.el.clientHeight + TOP_TRIGGER) this.loadOlder()
  }
}
