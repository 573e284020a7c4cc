/**
 * 历史会话: closed conversations, newest first (more on demand), and full-text search over
 * every message (words, Chinese included; the words found marked as text, never markup). A
 * conversation opens read-only on the right. The route holds the search and the open one.
 */
import type { DeskApi, PastConversation, SearchResult } from '../desk-api'
import { clear, h, setText, type View } from '../dom'
import { fullTime, listTime } from '../format'
import { highlighted } from '../highlight'
import { rowPreview } from '../notice-text'
import { errorText } from '../strings'
import { avatar } from './avatar'
import { ratingView, transcriptView } from './transcript-view'

export interface HistoryViewOptions {
  api: DeskApi
  me: () => string | undefined
  /** Go to `#/history?q=…&c=…` (the view follows the route). */
  navigate: (q: string, id: string | null) => void
}

export class HistoryView implements View {
  readonly el: HTMLElement
  private readonly input: HTMLInputElement
  private readonly list: HTMLElement
  private readonly summary: HTMLElement
  private readonly detail: HTMLElement
  private query: string | null = null
  private openId: string | null = null
  private terms: string[] = []
  private generation = 0
  private items: PastConversation[] = []
  private disposed = false

  constructor(private readonly options: HistoryViewOptions) {
    this.input = h('input', {
      class: 'input history-search-input',
      attrs: { type: 'search', placeholder: '搜索消息内容，如：退货 发票', 'aria-label': '搜索消息', maxlength: 200 },
    })
    const form = h(
      'form',
      {
        class: 'history-search',
        attrs: { role: 'search' },
        on: {
          submit: (e) => {
            e.preventDefault()
            this.options.navigate(this.input.value.trim(), null)
          },
        },
      },
      this.input,
      h('button', { class: 'btn btn-primary btn-sm', attrs: { type: 'submit' } }, '搜索'),
    )
    this.summary = h('div', { class: 'history-summary', attrs: { 'aria-live': 'polite' } })
    this.list = h('ul', { class: 'history-list', attrs: { 'aria-label': '历史会话' } })
    this.detail = h('div', { class: 'history-detail' })
    this.el = h(
      'div',
      { class: 'history-view' },
      h('section', { class: 'history-side' }, h('h2', { class: 'section-title' }, '历史会话'), form, this.summary, this.list),
      this.detail,
    )
  }

  /** Shows the search (or the history when `q` is empty) and the conversation `id` (or none). */
  show(q: string, id: string | null): void {
    if (q !== this.query) {
      this.query = q
      this.input.value = q
      if (q === '') this.loadHistory()
      else this.search(q)
    }
    if (id !== this.openId) {
      this.openId = id
      this.renderDetail()
      this.list.querySelectorAll('.history-item').forEach((el) => el.classList.toggle('is-selected', (el as HTMLElement).dataset.id === id))
    }
  }

  focusSearch(): void {
    this.input.focus()
  }

  dispose(): void {
    this.disposed = true
  }

  private loadHistory(before?: number): void {
    const generation = ++this.generation
    this.terms = []
    if (before === undefined) {
      this.items = []
      clear(this.list)
      setText(this.summary, '加载中…')
    }
    this.options.api.history(before).then(
      ({ items, hasMore }) => {
        if (this.disposed || generation !== this.generation) return
        this.items.push(...items)
        this.list.querySelector('.history-more')?.remove()
        for (const item of items) this.list.append(this.historyItem(item))
        setText(this.summary, this.items.length === 0 ? '暂无已结束的会话' : `已结束的会话（${this.items.length}${hasMore ? '+' : ''}）`)
        const last = this.items[this.items.length - 1]
        if (hasMore && last !== undefined) {
          this.list.append(
            h(
              'li',
              { class: 'history-more' },
              h(
                'button',
                { class: 'btn btn-ghost btn-sm', attrs: { type: 'button' }, on: { click: () => this.loadHistory(last.updatedAt) } },
                '加载更多',
              ),
            ),
          )
        }
      },
      (err: unknown) => generation === this.generation && setText(this.summary, errorText(err, '历史会话加载失败')),
    )
  }

  private search(q: string): void {
    const generation = ++this.generation
    clear(this.list)
    setText(this.summary, '搜索中…')
    this.options.api.search(q).then(
      (result) => {
        if (this.disposed || generation !== this.generation) return
        this.terms = result.terms
        setText(this.summary, result.hits.length === 0 ? `没有找到包含「${q}」的消息` : `找到 ${result.hits.length} 条消息`)
        for (const hit of result.hits) this.list.append(this.hitItem(hit))
        if (this.openId !== null) this.renderDetail()
      },
      (err: unknown) => generation === this.generation && setText(this.summary, errorText(err, '搜索失败，请重试')),
    )
  }

  private historyItem(item: PastConversation): HTMLElement {
    const { conversation } = item
    return this.item(
      conversation,
      item.updatedAt,
      h(
        'div',
        { class: 'conv-row' },
        h('span', { class: 'conv-preview' }, rowPreview(conversation.lastChatMessage, conversation.lastMessage) || '（无消息）'),
        ratingView(item.rating),
      ),
      h(
        'div',
        { class: 'history-meta' },
        conversation.agent ? `客服 ${conversation.agent.name}` : '未接入',
        ` · ${item.messageCount} 条消息`,
      ),
    )
  }

  private hitItem(hit: SearchResult['hits'][number]): HTMLElement {
    const { conversation, message } = hit
    return this.item(
      conversation,
      message.ts,
      h(
        'div',
        { class: 'hit-text' },
        h('span', { class: 'hit-from' }, `${message.from.name}：`),
        highlighted(message.text ?? '', this.terms),
      ),
      message.seq,
    )
  }

  /**
   * A row of the list: the customer's avatar, name and `ts`, then `lines`. A trailing number is
   * the seq of the message a search found (the row's `data-seq`).
   */
  private item(conversation: PastConversation['conversation'], ts: number, ...lines: Array<Node | number>): HTMLElement {
    const seq = typeof lines[lines.length - 1] === 'number' ? (lines.pop() as number) : undefined
    const { id } = conversation
    const name = conversation.customer.name || '顾客'
    return h(
      'li',
      {
        class: `history-item${id === this.openId ? ' is-selected' : ''}`,
        attrs: { tabindex: 0, role: 'button' },
        data: { id, seq },
        on: {
          click: () => this.options.navigate(this.query ?? '', id),
          keydown: (e) => {
            if (e.key === 'Enter') this.options.navigate(this.query ?? '', id)
          },
        },
      },
      avatar(conversation.customer.id, name, 'sm'),
      h(
        'div',
        { class: 'history-main' },
        h(
          'div',
          { class: 'conv-row' },
          h('span', { class: 'conv-name' }, name),
          h('time', { class: 'conv-time', attrs: { title: fullTime(ts) } }, listTime(ts, Date.now())),
        ),
        ...(lines as Node[]),
      ),
    )
  }

  private renderDetail(): void {
    const id = this.openId
    clear(this.detail)
    if (id === null) {
      this.detail.append(
        h(
          'div',
          { class: 'chat-empty' },
          h('p', { class: 'chat-empty-title' }, '选择一个会话查看记录'),
          h('p', { class: 'chat-empty-sub' }, '只读：历史会话不能再回复'),
        ),
      )
      return
    }
    const generation = this.generation
    this.detail.append(h('p', { class: 'panel-muted' }, '加载中…'))
    this.options.api.transcript(id).then(
      (t) => {
        if (this.disposed || this.openId !== id) return
        clear(this.detail)
        const view = transcriptView(t, this.options.me())
        this.detail.append(view)
        // The messages the search found, marked in the transcript too.
        if (this.terms.length > 0 && generation === this.generation) {
          view.querySelectorAll<HTMLElement>('.bubble-text').forEach((bubble) => {
            const text = bubble.textContent ?? ''
            const marked = highlighted(text, this.terms, Number.MAX_SAFE_INTEGER)
            if (marked.querySelector('mark') === null) return
            clear(bubble)
            bubble.append(marked)
          })
          view.querySelector('mark')?.scrollIntoView({ block: 'center' })
        }
      },
      (err: unknown) => {
        if (this.openId !== id) return
        clear(this.detail)
        this.detail.append(h('p', { class: 'panel-muted' }, errorText(err, '会话记录加载失败')))
      },
    )
  }
}
