/**
 * The signed-in console: top bar (工作台 / 历史会话, my status, notifications, shortcuts, me,
 * logout), connection banner, and either the desk (conversation lists, the chat, the customer
 * panel) or the history. Owns the route (one URL per conversation, see router.ts), the
 * selection, the keyboard shortcuts, notifications, and the page title's count of messages
 * that arrived while the tab was hidden.
 */
import type { AgentStatus } from 'miniprogram-chat-socket'
import { previewText, type AgentDesk, type Conversation, type User } from 'miniprogram-chat-socket/chat'
import type { CannedStore } from '../canned-store'
import type { DeskApi } from '../desk-api'
import { h, listen, setText, type View } from '../dom'
import type { Drafts } from '../drafts'
import { Notifier } from '../notifier'
import { Router, type Route } from '../router'
import { SHORTCUTS, shortcutOf, type ShortcutAction } from '../shortcuts'
import { TitleBadge } from '../title-badge'
import { TITLE, errorText } from '../strings'
import { avatar } from './avatar'
import { BannerView, type BannerSocket } from './banner-view'
import { ChatView } from './chat-view'
import { ConversationListsView } from './conversation-lists-view'
import { CustomerPanel } from './customer-panel'
import { HistoryView } from './history-view'
import { ToastView } from './toast-view'

export interface WorkspaceOptions {
  desk: AgentDesk
  socket: BannerSocket
  /** Who logged in (the desk's `ready` replaces it with the server's view). */
  user: User
  upload: (file: File) => Promise<{ url: string }>
  drafts: Drafts
  api: DeskApi
  canned: CannedStore
  /** Remembers settings across sessions (the sound). */
  settings: Storage
  logout(): void
}

export const STATUS_TEXT: Record<AgentStatus, string> = { online: '在线', busy: '忙碌', away: '离开' }

export class WorkspaceView implements View {
  readonly el: HTMLElement
  private readonly banner: BannerView
  private readonly lists: ConversationListsView
  private readonly chat: ChatView
  private readonly panel: CustomerPanel
  private readonly history: HistoryView
  private readonly deskEl: HTMLElement
  private readonly toasts = new ToastView()
  private readonly title: TitleBadge
  private readonly unsubscribes: Array<() => void>
  private readonly agentName: HTMLElement
  private readonly presence: HTMLElement
  private readonly statusSelect: HTMLSelectElement
  private readonly notifyButton: HTMLButtonElement
  private readonly soundToggle: HTMLInputElement
  private readonly help: HTMLElement
  private readonly tabs: Record<'desk' | 'history', HTMLAnchorElement>
  private readonly router: Router
  private readonly notifier: Notifier
  private selected: string | null = null
  /** A conversation the URL names that the desk does not know yet (before `ready`). */
  private pending: string | null = null
  private ready = false
  private known: Set<string> | null = null

  constructor(private readonly options: WorkspaceOptions) {
    const { desk, socket, user } = options
    const toast = (text: string, tone?: 'error' | 'info'): void => this.toasts.show(text, tone)
    this.banner = new BannerView(socket)
    this.lists = new ConversationListsView(desk, options.drafts, {
      select: (id) => this.select(id),
      accept: (id) => this.accept(id),
    })
    this.chat = new ChatView({ desk, drafts: options.drafts, canned: options.canned, upload: options.upload, toast })
    this.panel = new CustomerPanel(options.api, () => desk.user?.id)
    this.history = new HistoryView({
      api: options.api,
      me: () => desk.user?.id,
      navigate: (q, id) => this.router.go({ view: 'history', q, id }),
    })
    this.title = new TitleBadge(document, TITLE)
    this.notifier = new Notifier({ win: window, storage: options.settings, open: (id) => this.select(id) })
    this.agentName = h('span', { class: 'me-name' }, user.name)
    this.presence = h('span', { class: 'me-presence' })
    this.statusSelect = h(
      'select',
      {
        class: 'status-select',
        attrs: { 'aria-label': '我的状态', title: '忙碌、离开时不再分配新会话' },
        data: { action: 'status', status: 'online' },
        on: { change: () => this.setStatus(this.statusSelect.value as AgentStatus) },
      },
      ...(Object.keys(STATUS_TEXT) as AgentStatus[]).map((s) => h('option', { attrs: { value: s } }, STATUS_TEXT[s])),
    )
    this.notifyButton = h('button', {
      class: 'btn btn-ghost btn-sm',
      attrs: { type: 'button' },
      data: { action: 'notifications' },
      on: { click: () => void this.enableNotifications() },
    })
    this.soundToggle = h('input', {
      attrs: { type: 'checkbox', 'aria-label': '提示音' },
      data: { action: 'sound' },
      on: { change: () => (this.notifier.sound = this.soundToggle.checked) },
    })
    this.soundToggle.checked = this.notifier.sound
    this.help = this.buildHelp()
    this.tabs = {
      desk: h('a', { class: 'nav-tab', attrs: { href: '#/' }, data: { view: 'desk' } }, '工作台'),
      history: h('a', { class: 'nav-tab', attrs: { href: '#/history' }, data: { view: 'history' } }, '历史会话'),
    }
    this.deskEl = h('div', { class: 'desk' }, this.lists.el, this.chat.el, this.panel.el)
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
        h('nav', { class: 'nav', attrs: { 'aria-label': '视图' } }, this.tabs.desk, this.tabs.history),
        h(
          'div',
          { class: 'me' },
          this.statusSelect,
          this.notifyButton,
          h('label', { class: 'sound-toggle', attrs: { title: '新消息提示音' } }, this.soundToggle, '提示音'),
          h(
            'button',
            {
              class: 'btn btn-ghost btn-sm help-button',
              attrs: { type: 'button', title: '快捷键 (?)', 'aria-label': '快捷键', 'aria-expanded': 'false' },
              data: { action: 'help' },
              on: { click: () => this.toggleHelp() },
            },
            '?',
          ),
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
      this.deskEl,
      this.history.el,
      this.help,
      this.toasts.el,
    )
    this.router = new Router(window, (route) => this.apply(route))
    this.unsubscribes = [
      desk.on('ready', (me) => {
        setText(this.agentName, me.name)
        this.ready = true
        this.retryPending()
      }),
      desk.on('incoming', (message) => {
        this.title.bump()
        const known = this.conversationOf(message.conversationId)?.customer.name ?? ''
        const name = known !== '' ? known : message.from.name
        this.notifier.notify(message.conversationId, `${name} 发来新消息`, previewText(message), this.selected)
      }),
      desk.on('queue', () => this.onLists()),
      desk.on('conversations', () => this.onLists()),
      desk.on('released', (id) => {
        // After a reconnect the desk drops conversations that ended meanwhile.
        if (id === this.selected) queueMicrotask(() => id === this.selected && this.router.go({ view: 'desk', id: null }))
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
          this.router.go({ view: 'desk', id: null })
        }
      }),
      desk.on('error', (err) => toast(errorText(err, '同步失败，正在重试'), 'error')),
      socket.on('state', ({ to }) => this.renderPresence(to)),
      listen(document, 'keydown', (e) => this.onKey(e)),
    ]
    this.renderPresence(socket.state)
    this.renderNotifyButton()
    options.api.status().then(
      (status) => this.renderStatus(status),
      () => undefined,
    )
    this.apply(this.router.current)
  }

  dispose(): void {
    for (const off of this.unsubscribes.splice(0)) off()
    this.router.dispose()
    this.chat.dispose()
    this.panel.dispose()
    this.history.dispose()
    this.lists.dispose()
    this.banner.dispose()
    this.toasts.dispose()
    this.title.dispose()
  }

  /** Opens a conversation (or none) on the desk: a new entry in the browser's history. */
  select(id: string | null): void {
    this.router.go({ view: 'desk', id })
  }

  private apply(route: Route): void {
    const view = route.view
    this.deskEl.hidden = view !== 'desk'
    this.history.el.hidden = view !== 'history'
    for (const [name, tab] of Object.entries(this.tabs)) {
      if (name === view) tab.setAttribute('aria-current', 'page')
      else tab.removeAttribute('aria-current')
    }
    if (route.view === 'history') {
      this.history.show(route.q, route.id)
      return
    }
    this.open(route.id)
  }

  private open(id: string | null): void {
    if (id !== null && this.conversationOf(id) === undefined) {
      // Not known (yet): after `ready` a closed or someone else's conversation opens read-only in the history.
      this.pending = id
      if (this.ready) this.retryPending()
      return
    }
    this.pending = null
    this.selected = id
    this.lists.select(id)
    this.chat.show(id)
    this.panel.show(id === null ? null : (this.conversationOf(id) ?? null))
  }

  private retryPending(): void {
    const id = this.pending
    if (id === null || this.router.current.view !== 'desk') return
    if (this.conversationOf(id) !== undefined) return this.open(id)
    if (this.ready) {
      this.pending = null
      this.router.replace({ view: 'history', q: '', id })
      this.apply(this.router.current)
    }
  }

  private conversationOf(id: string): Conversation | undefined {
    const { desk } = this.options
    return desk.conversations.find((d) => d.conversation.id === id)?.conversation ?? desk.queue.find((c) => c.id === id)
  }

  /** New conversations (in the queue or routed to me) since the first lists: a notification each. */
  private onLists(): void {
    const { desk } = this.options
    const now = new Map<string, Conversation>()
    for (const c of desk.queue) now.set(c.id, c)
    for (const d of desk.conversations) now.set(d.conversation.id, d.conversation)
    if (this.known !== null) {
      for (const [id, c] of now) {
        if (this.known.has(id)) continue
        const last = c.lastChatMessage ?? null
        this.notifier.notify(id, `新的顾客：${c.customer.name || '顾客'}`, last ? previewText(last) : '等待接入', this.selected)
      }
    }
    if (this.ready) this.known = new Set(now.keys())
    this.retryPending()
  }

  private accept(id: string): void {
    this.options.desk.accept(id).then(
      () => this.select(id),
      (err: unknown) => this.toasts.show(errorText(err, '接入失败，请重试'), 'error'),
    )
  }

  private setStatus(status: AgentStatus): void {
    this.options.api.setStatus(status).then(
      (saved) => {
        this.renderStatus(saved)
        this.toasts.show(saved === 'online' ? '已切换为在线，将为您分配新会话' : `已切换为${STATUS_TEXT[saved]}，暂停分配新会话`)
      },
      (err: unknown) => {
        this.toasts.show(errorText(err, '状态切换失败'), 'error')
        void this.options.api.status().then((s) => this.renderStatus(s))
      },
    )
  }

  private renderStatus(status: AgentStatus): void {
    this.statusSelect.value = status
    this.statusSelect.dataset.status = status
  }

  private async enableNotifications(): Promise<void> {
    await this.notifier.requestPermission()
    this.renderNotifyButton()
  }

  private renderNotifyButton(): void {
    const permission = this.notifier.permission
    this.notifyButton.hidden = permission === 'unsupported'
    this.notifyButton.disabled = permission !== 'default'
    this.notifyButton.dataset.permission = permission
    setText(this.notifyButton, permission === 'granted' ? '通知已开启' : permission === 'denied' ? '通知已屏蔽' : '开启通知')
  }

  private onKey(e: KeyboardEvent): void {
    if (e.key === 'Escape' && !this.help.hidden) {
      this.toggleHelp(false)
      return
    }
    const action = shortcutOf(e)
    if (action === null) return
    e.preventDefault()
    this.run(action)
  }

  private run(action: ShortcutAction): void {
    switch (action) {
      case 'previous':
      case 'next': {
        if (this.router.current.view !== 'desk') return
        const ids = Array.from(this.lists.el.querySelectorAll<HTMLElement>('.conv-item')).map((el) => el.dataset.id ?? '')
        if (ids.length === 0) return
        const at = this.selected === null ? -1 : ids.indexOf(this.selected)
        const next = action === 'next' ? Math.min(ids.length - 1, at + 1) : at === -1 ? ids.length - 1 : Math.max(0, at - 1)
        const id = ids[next]
        if (id !== undefined && id !== this.selected) this.select(id)
        return
      }
      case 'accept-first': {
        const first = this.lists.el.querySelector<HTMLElement>('.conv-list[data-list="waiting"] .conv-item')?.dataset.id
        if (first !== undefined) this.accept(first)
        return
      }
      case 'focus-composer':
        document.querySelector<HTMLTextAreaElement>('.chat .composer-input')?.focus()
        return
      case 'history':
        if (this.router.current.view === 'history') this.select(this.selected)
        else {
          this.router.go({ view: 'history', q: '', id: null })
          this.history.focusSearch()
        }
        return
      case 'help':
        this.toggleHelp()
        return
      case 'canned':
        return
    }
  }

  private buildHelp(): HTMLElement {
    const help = h(
      'div',
      { class: 'help-popover', attrs: { role: 'dialog', 'aria-label': '快捷键' } },
      h('h3', { class: 'help-title' }, '快捷键'),
      h('dl', { class: 'help-list' }, ...SHORTCUTS.flatMap((s) => [h('dt', {}, h('kbd', {}, s.keys)), h('dd', {}, s.label)])),
      h('p', { class: 'help-foot' }, '按 Esc 关闭'),
    )
    help.hidden = true
    return help
  }

  private toggleHelp(show = this.help.hidden): void {
    this.help.hidden = !show
    this.el.querySelector('.help-button')?.setAttribute('aria-expanded', show ? 'true' : 'false')
  }

  private renderPresence(state: string): void {
    const online = state === 'open'
    this.presence.dataset.online = online ? 'yes' : 'no'
    setText(this.presence, online ? '在线' : '离线')
  }
}
