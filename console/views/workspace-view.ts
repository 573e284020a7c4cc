/**
 * The signed-in console: top bar (me, logout), connection banner, the conversation lists
 * and the chat. Owns the selection, and the page title's count of messages that arrived
 * while the tab was hidden.
 */
import type { AgentDesk, User } from 'miniprogram-chat-socket/chat'
import { h, setText, type View } from '../dom'
import type { Drafts } from '../drafts'
import { TitleBadge } from '../title-badge'
import { TITLE, errorText } from '../strings'
import { avatar } from './avatar'
import { BannerView, type BannerSocket } from './banner-view'
import { ChatView } from './chat-view'
import { ConversationListsView } from './conversation-lists-view'
import { ToastView } from './toast-view'

export interface WorkspaceOptions {
  desk: AgentDesk
  socket: BannerSocket
  /** Who logged in (the desk's `ready` replaces it with the server's view). */
  user: User
  upload: (file: File) => Promise<{ url: string }>
  drafts: Drafts
  logout(): void
}

export class WorkspaceView implements View {
  readonly el: HTMLElement
  private readonly banner: BannerView
  private readonly lists: ConversationListsView
  private readonly chat: ChatView
  private readonly toasts = new ToastView()
  private readonly title: TitleBadge
  private readonly unsubscribes: Array<() => void>
  private readonly agentName: HTMLElement
  private readonly presence: HTMLElement
  private selected: string | null = null

  constructor(private readonly options: WorkspaceOptions) {
    const { desk, socket, user } = options
    const toast = (text: string, tone?: 'error' | 'info'): void => this.toasts.show(text, tone)
    this.banner = new BannerView(socket)
    this.lists = new ConversationListsView(desk, options.drafts, {
      select: (id) => this.select(id),
      accept: (id) => this.accept(id),
    })
    this.chat = new ChatView({ desk, drafts: options.drafts, upload: options.upload, toast })
    this.title = new TitleBadge(document, TITLE)
    this.agentName = h('span', { class: 'me-name' }, user.name)
    this.presence = h('span', { class: 'me-presence' })
    this.el = h(
      'div',
      { class: 'workspace' },
      h(
        'header',
        { class: 'topbar' },
        h(
          'div',
          { class: 'brand' },
          h('span', { class: 'brand-mark', attrs: { 'aria-hidden': 'true' } }, '客'),
          h('span', { class: 'brand-name' }, TITLE),
        ),
        h(
          'div',
          { class: 'me' },
          avatar(user.id, user.name, 'sm'),
          h('div', { class: 'me-text' }, this.agentName, this.presence),
          h(
            'button',
            { class: 'btn btn-ghost btn-sm', attrs: { type: 'button' }, data: { action: 'logout' }, on: { click: () => options.logout() } },
            '退出登录',
          ),
        ),
      ),
      this.banner.el,
      h('div', { class: 'desk' }, this.lists.el, this.chat.el),
      this.toasts.el,
    )
    this.unsubscribes = [
      desk.on('ready', (me) => setText(this.agentName, me.name)),
      desk.on('incoming', () => this.title.bump()),
      desk.on('released', (id) => {
        // After a reconnect the desk drops conversations that ended meanwhile.
        if (id === this.selected) queueMicrotask(() => id === this.selected && this.select(null))
      }),
      desk.on('conversation', ({ conversation }) => {
        if (conversation.id !== this.selected) return
        const me = desk.user?.id
        if (
          conversation.status !== 'queued' &&
          conversation.status !== 'closed' &&
          conversation.agent !== null &&
          conversation.agent.id !== me
        ) {
          toast(`会话已由 ${conversation.agent.name || '其他客服'} 接待`)
          this.select(null)
        }
      }),
      desk.on('error', (err) => toast(errorText(err, '同步失败，正在重试'), 'error')),
      socket.on('state', ({ to }) => this.renderPresence(to)),
    ]
    this.renderPresence(socket.state)
  }

  dispose(): void {
    for (const off of this.unsubscribes.splice(0)) off()
    this.chat.dispose()
    this.lists.dispose()
    this.banner.dispose()
    this.toasts.dispose()
    this.title.dispose()
  }

  select(id: string | null): void {
    this.selected = id
    this.lists.select(id)
    this.chat.show(id)
  }

  private accept(id: string): void {
    this.options.desk.accept(id).then(
      () => this.select(id),
      (err: unknown) => this.toasts.show(errorText(err, '接入失败，请重试'), 'error'),
    )
  }

  private renderPresence(state: string): void {
    const online = state === 'open'
    this.presence.dataset.online = online ? 'yes' : 'no'
    setText(this.presence, online ? '在线' : '离线')
  }
}
