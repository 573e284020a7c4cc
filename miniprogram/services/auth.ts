/**
 * The customer's token: `wx.login` → `POST /api/login {code}` → `{token, expiresAt, user}`,
 * kept with `wx.setStorageSync` so a restart (or a reconnect) reuses it until it expires.
 */
import type { Platform } from './platform'

export const AUTH_STORAGE_KEY = 'chat.auth'

/** A per-install login code for when `wx.login` fails (see `code()`). */
export const DEVICE_CODE_KEY = 'chat.device'

/** A token this close to expiry (ms) is replaced before it is used. */
const EXPIRY_MARGIN = 60_000

export interface StoredAuth {
  token: string
  /** ms since epoch. */
  expiresAt: number
  user: { id: string; name: string }
}

/** `POST /api/login` did not give a token. `status` is the HTTP status (0: no answer). */
export class LoginError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly serverCode?: string,
  ) {
    super(message)
    this.name = 'LoginError'
  }
}

export class Auth {
  private run: Promise<StoredAuth> | null = null

  constructor(
    private readonly platform: Platform,
    private readonly server: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** The stored login, if any (valid or not). */
  get stored(): StoredAuth | null {
    return parseStored(this.platform.getStorage(AUTH_STORAGE_KEY))
  }

  /** A token good for at least another minute: the stored one, else a fresh login. */
  async token(): Promise<string> {
    const stored = this.stored
    if (stored !== null && stored.expiresAt - this.now() > EXPIRY_MARGIN) return stored.token
    return (await this.login()).token
  }

  /** Forgets the stored token: the next `token()` logs in again. */
  invalidate(): void {
    this.platform.removeStorage(AUTH_STORAGE_KEY)
  }

  /**
   * Whether the server refuses the stored token (its data folder was reset, the secret
   * changed, ...): `GET /api/me` answers 401 when it does. A refused token is forgotten.
   * A network failure or any other answer says nothing: false.
   */
  async refused(): Promise<boolean> {
    const stored = this.stored
    if (stored === null) return false
    try {
      const res = await this.platform.request({
        url: `${this.server}/api/me`,
        method: 'GET',
        header: { Authorization: `Bearer ${stored.token}` },
      })
      if (res.statusCode !== 401) return false
    } catch {
      return false
    }
    if (this.stored?.token === stored.token) this.invalidate()
    return true
  }

  /** One login at a time; concurrent callers share it. */
  login(): Promise<StoredAuth> {
    this.run ??= this.doLogin().finally(() => {
      this.run = null
    })
    return this.run
  }

  /**
   * `wx.login`'s code. Where `wx.login` fails (devtools in tourist mode may have no WeChat
   * session), a per-install code kept in storage stands in: a server in dev mode (no
   * WX_APPID) accepts any code, and one with WeChat credentials refuses it (HTTP 401).
   */
  private async code(): Promise<string> {
    try {
      return await this.platform.login()
    } catch {
      const stored = this.platform.getStorage(DEVICE_CODE_KEY)
      if (typeof stored === 'string' && stored !== '') return stored
      const code = `device-${this.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`
      this.platform.setStorage(DEVICE_CODE_KEY, code)
      return code
    }
  }

  private async doLogin(): Promise<StoredAuth> {
    const code = await this.code()
    const res = await this.platform.request({ url: `${this.server}/api/login`, method: 'POST', data: { code } })
    const auth = parseStored(res.data)
    if (res.statusCode !== 200 || auth === null) {
      const error = errorOf(res.data)
      throw new LoginError(
        `login failed: HTTP ${res.statusCode}${error ? ` ${error.code}: ${error.message}` : ''}`,
        res.statusCode,
        error?.code,
      )
    }
    this.platform.setStorage(AUTH_STORAGE_KEY, auth)
    return auth
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null
}

function parseStored(value: unknown): StoredAuth | null {
  if (!isRecord(value) || typeof value.token !== 'string' || value.token === '' || typeof value.expiresAt !== 'number') return null
  const user = value.user
  if (!isRecord(user) || typeof user.id !== 'string' || typeof user.name !== 'string') return null
  return { token: value.token, expiresAt: value.expiresAt, user: { id: user.id, name: user.name } }
}

function errorOf(data: unknown): { code: string; message: string } | null {
  if (!isRecord(data) || !isRecord(data.error)) return null
  const { code, message } = data.error
  return typeof code === 'string' ? { code, message: typeof message === 'string' ? message : '' } : null
}
