/**
 * The `session` request both sides start with (`AgentDesk` and `CustomerSession`): one at a
 * time, shared by concurrent callers, and run again on every reconnect once started (the
 * first connect carries `start()`'s own request).
 */
import { isObject, parseUser } from './parse'
import { fetchSessionPages } from './session-pages'
import type { ChatSocketLike, User } from './types'

export interface SessionFetchOptions {
  socket: ChatSocketLike
  /** The role the reply's user must have. */
  role: User['role']
  /** Applies a reply (unless the owner was disposed meanwhile). */
  apply: (user: User, data: Record<string, unknown>) => void
  /** A re-fetch after a reconnect failed (nobody awaits it). */
  onError: (err: unknown) => void
}

export class SessionFetch {
  private run: Promise<User> | null = null
  private started = false
  private disposed = false
  private readonly off: () => void

  constructor(private readonly options: SessionFetchOptions) {
    this.off = options.socket.on('open', () => {
      if (this.disposed || !this.started || this.run !== null) return
      this.fetch().catch((err: unknown) => {
        if (!this.disposed) options.onError(err)
      })
    })
  }

  /** The first `session` request; from now on every reconnect runs one. */
  start(): Promise<User> {
    this.started = true
    return this.fetch()
  }

  /** The running request, or a new one. Rejects with the request's error or when the reply carries no user of the role. */
  fetch(): Promise<User> {
    this.run ??= Promise.resolve().then(async () => {
      try {
        const data = await this.options.socket.request({ type: 'session' })
        const user = isObject(data) ? parseUser(data.user) : null
        if (user?.role !== this.options.role || !isObject(data)) {
          throw new Error(`session: the reply carries no ${this.options.role}`)
        }
        // An agent's reply may be paged: the rest is asked for before anything is applied.
        const whole = await fetchSessionPages(this.options.socket, data, user.id)
        if (!this.disposed) this.options.apply(user, whole)
        return user
      } finally {
        this.run = null
      }
    })
    return this.run
  }

  dispose(): void {
    this.disposed = true
    this.off()
  }
}

/** The constructor check both owners share. */
export function requireSocket(owner: string, options: { socket?: unknown } | null | undefined): void {
  if (options === null || typeof options !== 'object' || options.socket === null || typeof options.socket !== 'object') {
    throw new TypeError(`${owner}: options.socket is required`)
  }
}
