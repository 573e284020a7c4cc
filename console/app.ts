/**
 * The console's top level: the login page, or the workspace bound to one socket and one
 * AgentDesk. Logout (or an expired login) tears all of it down and returns to the login.
 */
import { AgentDesk, watchToken } from 'miniprogram-chat-socket/chat'
import type { ChatSocket } from 'miniprogram-chat-socket'
import { ApiError, login, tokenRefused, uploadImage, type FetchFn } from './api'
import { AuthStore, isExpired, type AgentAuth } from './auth-store'
import { connectAgent } from './connection'
import { CannedStore } from './canned-store'
import { DeskApi } from './desk-api'
import { Drafts } from './drafts'
import { clear, type View } from './dom'
import { ERROR_TEXT, TITLE, errorText } from './strings'
import { LoginRefused, LoginView } from './views/login-view'
import { WorkspaceView } from './views/workspace-view'

export interface AppOptions {
  root: HTMLElement
  storage: Storage
  /** Settings kept across sessions (the notification sound). Default: `storage`. */
  settings?: Storage
  fetch: FetchFn
}

/** Shown on the login page when the server stopped taking the token. */
const LOGIN_REFUSED = '登录已失效，请重新登录'

interface Session {
  socket: ChatSocket
  desk: AgentDesk
  drafts: Drafts
  view: WorkspaceView
  offs: Array<() => void>
}

export class App {
  private readonly auth: AuthStore
  private session: Session | null = null
  private view: View | null = null

  constructor(private readonly options: AppOptions) {
    this.auth = new AuthStore(options.storage)
  }

  start(): void {
    const auth = this.auth.load(Date.now())
    if (auth === null) this.showLogin()
    else this.enter(auth)
  }

  logout(notice?: string): void {
    this.session?.drafts.clear()
    this.leave()
    this.auth.clear()
    this.showLogin(notice)
  }

  private showLogin(notice?: string): void {
    document.title = TITLE
    const view = new LoginView({
      notice,
      submit: async (username, password, signal) => {
        let auth: AgentAuth
        try {
          auth = await login(this.options.fetch, username, password, signal)
        } catch (err) {
          throw new LoginRefused(errorText(err, ERROR_TEXT.INTERNAL), err instanceof ApiError ? err.retryAfter : null)
        }
        if (signal.aborted) return
        this.auth.save(auth)
        this.enter(auth)
      },
    })
    this.mount(view)
    view.focus()
  }

  private enter(auth: AgentAuth): void {
    this.leave()
    const socket = connectAgent(auth.token)
    const desk = new AgentDesk({ socket })
    const drafts = new Drafts(this.options.storage, auth.user.id)
    const api = new DeskApi(this.options.fetch, auth.token)
    const view = new WorkspaceView({
      api,
      canned: new CannedStore(api),
      settings: this.options.settings ?? this.options.storage,
      desk,
      socket,
      drafts,
      user: auth.user,
      upload: (file) => uploadImage(this.options.fetch, auth.token, file),
      logout: () => this.logout(),
    })
    const offs = [
      // A token past its expiry will not be accepted again: back to the login.
      socket.on('reconnecting', () => {
        if (isExpired(auth, Date.now())) queueMicrotask(() => this.logout('登录已过期，请重新登录'))
      }),
      // A TOKEN_REFUSED close, or a 401 before the upgrade (which looks like a server that is down:
      // after failed connects, GET /api/me tells them apart), logs out.
      watchToken({
        socket,
        refused: () => tokenRefused(this.options.fetch, auth.token),
        onRefused: () => queueMicrotask(() => this.logout(LOGIN_REFUSED)),
      }),
    ]
    this.session = { socket, desk, drafts, view, offs }
    this.mount(view)
    desk.start().catch(() => undefined) // re-run on every reconnect; errors surface as desk 'error' events
  }

  private leave(): void {
    const session = this.session
    if (session === null) return
    this.session = null
    for (const off of session.offs.splice(0)) off()
    session.view.dispose()
    if (this.view === session.view) this.view = null
    session.desk.dispose()
    session.socket.close(1000, 'logout')
  }

  private mount(view: View): void {
    this.view?.dispose()
    clear(this.options.root)
    this.view = view
    this.options.root.appendChild(view.el)
  }
}
