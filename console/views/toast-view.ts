/** Short notes in a corner ("已转接给 小李", errors). Each goes away by itself; dispose clears them all. */
import { h, type View } from '../dom'

const SHOW_MS = 4000

export class ToastView implements View {
  readonly el: HTMLElement
  private readonly timers = new Set<ReturnType<typeof setTimeout>>()

  constructor() {
    this.el = h('div', { class: 'toasts', attrs: { role: 'status', 'aria-live': 'polite' } })
  }

  show(text: string, tone: 'info' | 'error' = 'info'): void {
    const toast = h('div', { class: `toast toast-${tone}` }, text)
    this.el.appendChild(toast)
    const timer = setTimeout(() => {
      this.timers.delete(timer)
      toast.remove()
    }, SHOW_MS)
    this.timers.add(timer)
  }

  dispose(): void {
    this.timers.forEach((t) => clearTimeout(t))
    this.timers.clear()
  }
}
