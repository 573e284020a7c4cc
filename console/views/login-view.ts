/** The login form: username and password, an error line, a busy state while it asks the server. */
import { h, setText, type View } from '../dom'
import { TITLE } from '../strings'

export interface LoginViewOptions {
  /** Resolves when logged in; rejects with a message to show. */
  submit(username: string, password: string): Promise<void>
  /** Shown at once (e.g. "登录已过期"). */
  notice?: string
}

export class LoginView implements View {
  readonly el: HTMLElement
  private readonly error: HTMLElement
  private readonly button: HTMLButtonElement
  private readonly username: HTMLInputElement
  private readonly password: HTMLInputElement
  private busy = false

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
    this.busy = true
  }

  private onSubmit(event: Event): void {
    event.preventDefault()
    if (this.busy) return
    const username = this.username.value.trim()
    const password = this.password.value
    if (username === '' || password === '') {
      setText(this.error, '请输入用户名和密码')
      return
    }
    this.busy = true
    this.button.disabled = true
    setText(this.button, '登录中…')
    setText(this.error, '')
    this.options.submit(username, password).catch((err: unknown) => {
      this.busy = false
      this.button.disabled = false
      setText(this.button, '登录')
      setText(this.error, err instanceof Error ? err.message : String(err))
      this.password.select()
    })
  }
}
