/** The agent's login, kept in `sessionStorage`: it lives as long as the tab and goes with logout. */
import type { User } from 'miniprogram-chat-socket/chat'

export interface AgentAuth {
  token: string
  /** ms since epoch; 0 when the server did not say. */
  expiresAt: number
  user: User
}

const KEY = 'agent-console.auth'

export class AuthStore {
  constructor(private readonly storage: Storage) {}

  /** The stored login, or null when there is none, it is unreadable, or it has expired. */
  load(now: number): AgentAuth | null {
    let raw: string | null
    try {
      raw = this.storage.getItem(KEY)
    } catch {
      return null
    }
    if (raw === null) return null
    const auth = parseAuth(raw)
    if (auth === null || isExpired(auth, now)) {
      this.clear()
      return null
    }
    return auth
  }

  save(auth: AgentAuth): void {
    this.storage.setItem(KEY, JSON.stringify(auth))
  }

  clear(): void {
    try {
      this.storage.removeItem(KEY)
    } catch {
      // Storage unavailable: nothing was kept either.
    }
  }
}

export function isExpired(auth: AgentAuth, now: number): boolean {
  return auth.expiresAt > 0 && auth.expiresAt <= now
}

function parseAuth(raw: string): AgentAuth | null {
  let value: unknown
  try {
    value = JSON.parse(raw)
  } catch {
    return null
  }
  if (typeof value !== 'object' || value === null) return null
  const { token, expiresAt, user } = value as Record<string, unknown>
  if (typeof token !== 'string' || token === '' || typeof user !== 'object' || user === null) return null
  const u = user as Record<string, unknown>
  if (typeof u.id !== 'string' || typeof u.name !== 'string' || u.role !== 'agent') return null
  return { token, expiresAt: typeof expiresAt === 'number' ? expiresAt : 0, user: { id: u.id, role: 'agent', name: u.name } }
}
