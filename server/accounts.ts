import { createHash, randomBytes } from 'node:crypto'
import type { FetchLike } from './config'
import { ChatError } from './errors'
import type { Store } from './store/store'
import type { IssuedToken, Tokens } from './tokens'
import type { User } from './types'
import {
  PASSWORD_MAX_LENGTH,
  USERNAME_PATTERN,
  dummyPasswordHash,
  generatePassword,
  hashPassword,
  validatePassword,
  validateUsername,
  verifyPassword,
} from './passwords'
import { jscode2session, type WechatCredentials } from './wechat'

export interface LoginResult extends IssuedToken {
  user: User
}

/** What a good token says: `GET /api/me`. */
export interface Identity {
  user: User
  /** ms since epoch. */
  expiresAt: number
  /** An agent's token: the password it was issued under (`stillValid` checks it again later). */
  credential?: AgentCredential
}

/** Which agent password a token was issued under: its username and a digest of the password hash. */
export interface AgentCredential {
  username: string
  fingerprint: string
}

export interface AccountsOptions {
  wechat: WechatCredentials | null
  fetch?: FetchLike
  now?: () => number
}

export interface DemoAgentResult {
  username: string
  name: string
  password: string
  /** True when the password was generated here (print it); false when it came from the options (don't). */
  generated: boolean
}

/** A short digest of an agent's password hash, carried by their tokens (tokens are signed, so it cannot be forged). */
function passwordFingerprint(passwordHash: string): string {
  return createHash('sha256').update(passwordHash).digest('base64url').slice(0, 16)
}

/** Who may log in and as whom: customers by login code, agents by password, everyone's socket by token. */
export class Accounts {
  private readonly now: () => number

  constructor(
    private readonly store: Store,
    private readonly tokens: Tokens,
    private readonly options: AccountsOptions,
  ) {
    this.now = options.now ?? Date.now
  }

  get devMode(): boolean {
    return this.options.wechat === null
  }

  /**
   * `POST /api/login {code}`. In dev mode (no WeChat credentials) a code maps to a stable
   * customer; otherwise the code goes through jscode2session and the openid does.
   */
  async customerLogin(code: string): Promise<LoginResult> {
    let loginKey: string
    if (this.options.wechat === null) {
      loginKey = `dev:${code}`
    } else {
      const fetchImpl = this.options.fetch ?? globalThis.fetch
      const session = await jscode2session(code, this.options.wechat, fetchImpl)
      loginKey = `wx:${session.openid}`
    }
    const id = `c_${createHash('sha256').update(loginKey).digest('hex').slice(0, 16)}`
    const user = await this.store.ensureCustomer({ id, name: `顾客 ${id.slice(-4)}`, loginKey }, this.now())
    return { ...this.tokens.sign(user.id, 'customer'), user }
  }

  /** `POST /api/agent/login`. Unknown user and wrong password fail alike, in about the same time. */
  async agentLogin(username: string, password: string): Promise<LoginResult> {
    const agent = USERNAME_PATTERN.test(username) ? await this.store.agentByUsername(username) : undefined
    const ok =
      password.length <= PASSWORD_MAX_LENGTH && (await verifyPassword(password, agent?.passwordHash ?? (await dummyPasswordHash())))
    if (!agent || !ok) throw new ChatError('UNAUTHORIZED', 'wrong username or password')
    const user: User = { id: agent.id, role: 'agent', name: agent.name }
    return { ...this.tokens.sign(user.id, 'agent', { usr: username, pwd: passwordFingerprint(agent.passwordHash) }), user }
  }

  /** Creates an agent; CONFLICT when the username is taken, unless `replace` (then the password is reset). */
  async addAgent(input: {
    username: string
    password: string
    name?: string
    replace?: boolean
  }): Promise<{ user: User; created: boolean }> {
    const username = validateUsername(input.username)
    const passwordHash = await hashPassword(validatePassword(input.password))
    const existing = await this.store.agentByUsername(username)
    if (existing) {
      if (!input.replace) throw new ChatError('CONFLICT', `agent ${username} already exists`)
      await this.store.setAgentPassword(username, passwordHash)
      return { user: { id: existing.id, role: 'agent', name: existing.name }, created: false }
    }
    const name = (input.name ?? username).trim() || username
    const user = await this.store.insertAgent({ id: `a_${randomBytes(6).toString('hex')}`, name, username, passwordHash }, this.now())
    return { user, created: true }
  }

  /** Creates the demo agent when there is no agent at all; returns what to print. */
  async ensureDemoAgent(demo: { username: string; name: string; password?: string }): Promise<DemoAgentResult | null> {
    if ((await this.store.agentCount()) > 0) return null
    const password = demo.password ?? generatePassword()
    await this.addAgent({ username: demo.username, password, name: demo.name })
    return { username: demo.username, name: demo.name, password, generated: demo.password === undefined }
  }

  /** The user a token belongs to; UNAUTHORIZED when the token is bad or its user is gone. */
  async authenticate(token: string | undefined): Promise<User> {
    return (await this.identify(token)).user
  }

  /** The user a token belongs to and when it expires (ms since epoch); UNAUTHORIZED as `authenticate`. */
  async identify(token: string | undefined): Promise<Identity> {
    const claims = this.tokens.verify(token)
    const user = await this.store.user(claims.sub)
    if (user?.role !== claims.role) throw new ChatError('UNAUTHORIZED', 'unknown user')
    if (user.role === 'agent') {
      // Issued under the agent's current password? A reset (agent:add --reset) refuses every earlier token.
      const agent = claims.usr === undefined ? undefined : await this.store.agentByUsername(claims.usr)
      if (agent?.id !== user.id || claims.pwd !== passwordFingerprint(agent.passwordHash)) {
        throw new ChatError('UNAUTHORIZED', 'token revoked: log in again')
      }
      return { user, expiresAt: claims.exp * 1000, credential: { username: agent.username, fingerprint: claims.pwd } }
    }
    return { user, expiresAt: claims.exp * 1000 }
  }

  /** False once the agent's password was reset (agent:add --reset) or the agent is gone: a socket opened with that token must end. */
  async stillValid(userId: string, credential: AgentCredential): Promise<boolean> {
    const agent = await this.store.agentByUsername(credential.username)
    return agent?.id === userId && passwordFingerprint(agent.passwordHash) === credential.fingerprint
  }
}
