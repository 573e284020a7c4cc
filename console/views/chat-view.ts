/**
 * The right column: one conversation. Header (customer, status, accept / transfer / close),
 * the message list, who is typing, and the composer. Marks messages read while the tab is
 * visible. `show(id)` switches conversations; everything bound to the previous one is
 * unbound (the desk keeps its client alive for my conversations).
 */
import type { AgentDesk, Conversation, ConversationClient } from 'miniprogram-chat-socket/chat'
import { clear, h, listen, reconcile, setText, type View } from '../dom'
import type { CannedStore } from '../canned-store'
import type { Drafts } from '../drafts'
import { STATUS_LABEL, errorText } from '../strings'
import { avatar } from './avatar'
import { ComposerView } from './composer-view'
import { openImageViewer } from './image-viewer'
import { MessageListView } from './message-list-view'
import { confirmModal, type Modal } from './modal'
import { openTransferDialog } from './transfer-dialog'

export interface ChatViewOptions {
  desk: AgentDesk
  drafts: Drafts
  canned?: CannedStore
  upload: (file: File) => Promise<{ url: string }>
  toast: (text: string, tone?: 'error' | 'info') => void
}

interface Bound {
  id: string
  client: ConversationClient
  list: MessageListView
  composer: ComposerView | null
  header: HTMLElement
  footer: HTMLElement
  typing: HTMLElement
  offs: Array<() => void>
  modals: Set<Modal>
}

export class ChatView implements View {
  readonly el: HTMLElement
  private bound: Bound | null = null
  private readonly unlisten: () => void

  constructor(private readonly options: ChatViewOptions) {
    this.el = h('section', { class: 'chat', attrs: { 'aria-label': '会话' } })
    this.unlisten = listen(document, 'visibilitychange', () => this.markRead())
    this.renderEmpty()
  }

  get currentId(): string | null {
    return this.bound?.id ?? null
  }

  show(id: string | null): void {
    if (this.bound?.id === id) return
    this.unbind()
    clear(this.el)
    if (id === null) return this.renderEmpty()
    let client: ConversationClient
    try {
      client = this.options.desk.client(id)
    } catch (err) {
      this.options.toast(errorText(err, '无法打开该会话'), 'error')
      return this.renderEmpty()
    }
    this.bind(id, client)
  }

  dispose(): void {
    this.unbind()
    this.unlisten()
  }

  private bind(id: string, client: ConversationClient): void {
    const list = new MessageListView(client, {
      openImage: (url) => this.track(openImageViewer(url)),
      resend: (messageId) => void client.resend(messageId),
    })
    const bound: Bound = {
      id,
      client,
      list,
      composer: null,
      header: h('header', { class: 'chat-header' }),
      footer: h('div', { class: 'chat-footer' }),
      typing: h('div', { class: 'typing-line', attrs: { 'aria-live': 'polite' } }),
      offs: [],
      modals: new Set(),
    }
    this.bound = bound
    bound.offs.push(
      client.on('conversation', () => {
        this.renderChrome()
        this.markRead()
      }),
      client.on('typing', (who) => this.renderTyping(who === null ? null : who.name)),
      client.on('incoming', () => this.markRead()),
      client.on('state', (state) => state.loaded && this.markRead()),
      client.on('error', (err) => this.options.toast(errorText(err, '操作失败，请重试'), 'error')),
    )
    this.el.dataset.conversation = id
    this.el.append(bound.header, list.el, bound.typing, bound.footer)
    this.renderChrome()
    this.renderTyping(client.peerTyping?.name ?? null)
    list.mount()
    bound.composer?.mount()
    bound.composer?.focus()
    this.markRead()
  }

  private unbind(): void {
    const bound = this.bound
    if (bound === null) return
    this.bound = null
    for (const off of bound.offs.splice(0)) off()
    bound.modals.forEach((m) => m.close())
    bound.list.dispose()
    bound.composer?.dispose()
    delete this.el.dataset.conversation
    // A conversation that is no longer mine or waiting keeps no client.
    const { conversation } = bound.client
    const me = this.options.desk.user?.id
    if (conversation.status === 'closed' || (conversation.agent !== null && conversation.agent.id !== me)) {
      this.options.desk.release(bound.id)
    }
  }

  private renderEmpty(): void {
    delete this.el.dataset.conversation
    this.el.append(
      h(
        'div',
        { class: 'chat-empty' },
        h('div', { class: 'chat-empty-mark', attrs: { 'aria-hidden': 'true' } }),
        h('p', { class: 'chat-empty-title' }, '选择一个会话开始接待'),
        h('p', { class: 'chat-empty-sub' }, '新的顾客会出现在左侧「待接入」中'),
      ),
    )
  }

  /** Header and footer follow the conversation's status. */
  private renderChrome(): void {
    const bound = this.bound
    if (bound === null) return
    const conversation = bound.client.conversation
    const name = conversation.customer.name || '顾客'
    const status = conversation.status
    const me = this.options.desk.user?.id
    const mine = conversation.agent?.id === me
    const acceptable = status === 'queued' || (status === 'assigned' && mine)
    const active = status !== 'closed'
    this.el.dataset.status = status
    reconcile(bound.header, [
      avatar(conversation.customer.id, name),
      h(
        'div',
        { class: 'chat-title' },
        h('h2', { class: 'chat-name' }, name),
        h(
          'div',
          { class: 'chat-sub' },
          h('span', { class: `tag tag-${status}` }, STATUS_LABEL[status]),
          h('span', { class: 'chat-id' }, `会话 ${conversation.id}`),
        ),
      ),
      h(
        'div',
        { class: 'chat-actions' },
        acceptable ? this.button('接入', 'accept', 'btn-primary', () => this.accept(conversation)) : null,
        active && mine ? this.button('转接', 'transfer', 'btn-ghost', () => this.transfer(conversation)) : null,
        active && mine ? this.button('结束会话', 'close', 'btn-danger-ghost', () => this.close(conversation)) : null,
      ),
    ])
    if (active && bound.composer === null) {
      bound.composer = new ComposerView({
        client: bound.client,
        upload: this.options.upload,
        toast: this.options.toast,
        drafts: this.options.drafts,
        ...(this.options.canned ? { canned: this.options.canned } : {}),
      })
      reconcile(bound.footer, [bound.composer.el])
      if (this.el.isConnected) bound.composer.mount()
    } else if (!active) {
      bound.composer?.dispose()
      bound.composer = null
      reconcile(bound.footer, [h('div', { class: 'chat-closed' }, '会话已结束')])
      this.renderTyping(null)
    }
  }

  private renderTyping(name: string | null): void {
    const bound = this.bound
    if (bound === null) return
    setText(bound.typing, name === null ? '' : `${name} 正在输入…`)
    bound.typing.dataset.active = name === null ? 'no' : 'yes'
  }

  private button(label: string, action: string, tone: string, onClick: () => void): HTMLButtonElement {
    return h('button', { class: `btn ${tone} btn-sm`, attrs: { type: 'button' }, data: { action }, on: { click: onClick } }, label)
  }

  private accept(conversation: Conversation): void {
    const client = this.bound?.client
    this.options.desk.accept(conversation.id).then(
      (c) => client?.applyConversation(c),
      (err: unknown) => this.options.toast(errorText(err, '接入失败，请重试'), 'error'),
    )
  }

  private transfer(conversation: Conversation): void {
    const name = conversation.customer.name || '顾客'
    this.track(
      openTransferDialog(this.options.desk, name, (agent) => {
        this.options.desk
          .transfer(conversation.id, agent.id)
          .catch((err: unknown) => this.options.toast(errorText(err, '转接失败，请重试'), 'error'))
      }),
    )
  }

  private close(conversation: Conversation): void {
    const client = this.bound?.client
    const { modal, answer } = confirmModal(
      '结束会话',
      `确定结束与「${conversation.customer.name || '顾客'}」的会话吗？`,
      '结束会话',
      'danger',
    )
    this.track(modal)
    void answer.then((yes) => {
      if (!yes) return
      this.options.desk.close(conversation.id).then(
        (c) => client?.applyConversation(c),
        (err: unknown) => this.options.toast(errorText(err, '结束会话失败，请重试'), 'error'),
      )
    })
  }

  /** Marks everything read when I am the conversation's agent and the tab is visible. */
  private markRead(): void {
    const bound = this.bound
    if (bound === null || document.visibilityState !== 'visible') return
    const conversation = bound.client.conversation
    if (conversation.status === 'closed' || conversation.agent?.id !== this.options.desk.user?.id) return
    void bound.client.markRead()
  }

  private track(modal: Modal | null): void {
    const bound = this.bound
    if (modal === null || bound === null) return
    bound.modals.add(modal)
    modal.el.addEventListener('close', () => bound.modals.delete(modal))
  }
}
