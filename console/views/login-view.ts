/**
 * The login form: username and password, an error line, a busy state while it asks the server.
 * Enter while a login is pending is not lost: with other credentials it abandons the pending
 * request and sends the new ones (the agent corrected a typo); with the same ones it waits for
 * the pending answer. A refusal that says when to retry (HTTP 429 `Retry-After`) disables the
 * button and counts down to it.
 */
import { h, setText, type View } from '../dom'
import { TITLE } from '../strings'

/** A refused login as the form shows it: the message, and the seconds to wait when the server said. */
export class LoginRefused extends Error {
  constructor(
    message: string,
    readonly retryAfter: number | null = null,
  ) {
    super(message)
    this.name = 'LoginRefused'
  }
}

export interface LoginViewOptions {
  /**
   * Resolves when logged in; rejects with a `LoginRefused` (or any Error) to show. `signal` is
   * aborted when the agent submits other credentials meanwhile: the result no longer matters.
   */
  submit(username: string, password: string, signal: AbortSignal): Promise<void>
  /** Shown at once (e.g. "登录已过期"). */
  notice?: string
}

interface Pending {
  username: string
  password: string
  abort: AbortController
}

export class LoginView implements View {
  readonly el: HTMLElement
  private readonly error: HTMLElement
  private readonly button: HTMLButtonElement
  private readonly username: HTMLInputElement
  private readonly password: HTMLInputElement
  private pending: Pending | null = null
  private countdown: { until: number; timer: ReturnType<typeof setTimeout> } | null = null
  private disposed = false

  constructor(private readonly options: LoginViewOptions) {
    this.username = h('input', {
      class: 'field-input',
      attrs: { id: 'login-username', name: 'username', autocomplete: 'username', required: true, maxlength: 64, autofocus: true },
    })
    this.password = h('input', {
      class: 'field-input',
      attrs: { id: 'login-password', name: 'password', type: 'password', autocomplete: 'current-password', required: true, maxlength: 256 },
    })
    this.error = h('p', { class: 'login-error', attrs: { role: 'alert', 'aria-live': 'polite' } })
    this.button = h('button', { class: 'btn btn-primary btn-block', attrs: { type: 'submit' } }, '登录')
    const form = h(
      'form',
      { class: 'login-card', attrs: { novalidate: true }, on: { submit: (e) => this.onSubmit(e) } },
      h('div', { class: 'login-brand' }, h('span', { class: 'brand-mark', attrs: { 'aria-hidden': 'true' } }, '客'), h('h1', {}, TITLE)),
      h('p', { class: 'login-sub' }, '使用客服账号登录，开始接待顾客'),
      h('label', { class: 'field' }, h('span', { class: 'field-label' }, '用户名'), this.username),
      h('label', { class: 'field' }, h('span', { class: 'field-label' }, '密码'), this.password),
      this.error,
      this.button,
    )
    this.el = h('main', { class: 'login-page' }, form)
    if (options.notice) setText(this.error, options.notice)
  }

  focus(): void {
    this.username.focus()
  }

  dispose(): void {
    this.disposed = true
    this.stopCountdown()
    this.pending?.abort.abort()
    this.pending = null
  }

  private onSubmit(event: Event): void {
    event.preventDefault()
    if (this.disposed || this.countdown !== null) return
    const username = this.username.value.trim()
    const password = this.password.value
    if (username === '' || password === '') {
      setText(this.error, '请输入用户名和密码')
      return
    }
    const pending = this.pending
    if (pending !== null) {
      if (pending.username === username && pending.password === password) return // the same login is on its way
      pending.abort.abort()
    }
    const attempt: Pending = { username, password, abort: new AbortController() }
    this.pending = attempt
    setText(this.button, '登录中…')
    setText(this.error, '')
    this.options.submit(username, password, attempt.abort.signal).then(
      () => {
        if (this.pending === attempt) this.pending = null
      },
      (err: unknown) => {
        if (this.pending !== attempt || this.disposed) return // abandoned for a newer attempt
        this.pending = null
        setText(this.button, '登录')
        const retryAfter = err instanceof LoginRefused ? err.retryAfter : null
        if (retryAfter !== null && retryAfter > 0) this.startCountdown(err instanceof Error ? err.message : String(err), retryAfter)
        else setText(this.error, err instanceof Error ? err.message : String(err))
        this.password.select()
      },
    )
  }

  /** `message`, then "请 N 秒后再试" counting down; the button is disabled until it ends. */
  private startCountdown(message: string, seconds: number): void {
    this.stopCountdown()
    const until = Date.now() + seconds * 1000
    const tick = (): void => {
      const left = Math.ceil((until - Date.now()) / 1000)
      if (left <= 0) {
        this.stopCountdown()
        setText(this.error, '')
        return
      }
      setText(this.error, `${message.replace(/，?请稍后再试$/, '')}，请 ${left} 秒后再试`)
      setText(this.button, `${left} 秒后可重试`)
      this.countdown = { until, timer: setTimeout(tick, until - Date.now() - (left - 1) * 1000) }
    }
    this.button.disabled = true
    tick()
  }

  private stopCountdown(): void {
    if (this.countdown !== null) clearTimeout(this.countdown.timer)
    this.countdown = null
    this.button.disabled = false
    setText(this.button, '登录')
  }
}
