/** New customer messages while the tab is hidden, as a count in the page title: `(3) 客服工作台`. */
import { listen } from './dom'

export class TitleBadge {
  private count = 0
  private readonly unlisten: () => void

  constructor(
    private readonly doc: Document,
    private readonly base: string,
  ) {
    this.unlisten = listen(doc, 'visibilitychange', () => {
      if (doc.visibilityState === 'visible') this.reset()
    })
    this.render()
  }

  /** Counts one new message, if the tab is hidden. */
  bump(): void {
    if (this.doc.visibilityState === 'visible') return
    this.count++
    this.render()
  }

  reset(): void {
    this.count = 0
    this.render()
  }

  dispose(): void {
    this.unlisten()
    this.count = 0
    this.render()
  }

  private render(): void {
    this.doc.title = this.count > 0 ? `(${this.count > 99 ? '99+' : this.count}) ${this.base}` : this.base
  }
}
