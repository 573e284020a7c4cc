/**
 * The connection banner, bound to the socket's state: hidden while open, amber while
 * connecting or reconnecting (with "retry now"), red once closed. After a reconnect it
 * says so in green for a moment. `data-state` always carries the socket state.
 */
import type { SocketState } from 'miniprogram-chat-socket'
import { h, setText, type View } from '../dom'
import { SOCKET_STATE_LABEL } from '../strings'

/** What the banner needs from the socket (ChatSocket has it). */
export interface BannerSocket {
  readonly state: SocketState
  on(type: 'state', fn: (e: { from: SocketState; to: SocketState }) => void): () => void
  on(type: 'reconnecting', fn: (e: { attempt: number; delay: number }) => void): () => void
  connect(): Promise<void>
}

/** ms the "reconnected" note stays. */
const RECOVERED_MS = 2500

export class BannerView implements View {
  readonly el: HTMLElement
  private readonly text: HTMLElement
  private readonly retry: HTMLButtonElement
  private readonly unsubscribes: Array<() => void>
  private attempt = 0
  private hadOpened = false
  private recoveredTimer: ReturnType<typeof setTimeout> | null = null

  constructor(private readonly socket: BannerSocket) {
    this.text = h('span', { class: 'banner-text' })
    this.retry = h(
      'button',
      { class: 'banner-retry', attrs: { type: 'button' }, on: { click: () => void socket.connect().catch(() => undefined) } },
      '立即重连',
    )
    this.el = h(
      'div',
      { class: 'banner', attrs: { role: 'status', 'aria-live': 'polite' } },
      h('span', { class: 'banner-dot' }),
      this.text,
      this.retry,
    )
    this.unsubscribes = [
      socket.on('state', ({ from, to }) => this.render(to, from)),
      socket.on('reconnecting', ({ attempt }) => {
        this.attempt = attempt
        this.render(socket.state, socket.state)
      }),
    ]
    this.render(socket.state, socket.state)
  }

  dispose(): void {
    for (const off of this.unsubscribes.splice(0)) off()
    this.stopTimer()
  }

  private render(state: SocketState, from: SocketState): void {
    this.el.dataset.state = state
    this.stopTimer()
    if (state === 'open') {
      const recovered = this.hadOpened && from === 'reconnecting'
      this.hadOpened = true
      this.attempt = 0
      this.el.dataset.show = recovered ? 'recovered' : 'no'
      setText(this.text, recovered ? '已重新连接' : SOCKET_STATE_LABEL.open)
      this.retry.hidden = true
      if (recovered) {
        this.recoveredTimer = setTimeout(() => {
          this.recoveredTimer = null
          this.el.dataset.show = 'no'
        }, RECOVERED_MS)
      }
      return
    }
    this.el.dataset.show = 'yes'
    const label = state === 'closed' ? '连接已关闭，请刷新页面或重新登录' : SOCKET_STATE_LABEL[state]
    setText(this.text, state === 'reconnecting' && this.attempt > 1 ? `${label}（第 ${this.attempt} 次尝试）` : label)
    this.retry.hidden = state !== 'reconnecting'
  }

  private stopTimer(): void {
    if (this.recoveredTimer === null) return
    clearTimeout(this.recoveredTimer)
    this.recoveredTimer = null
  }
}
