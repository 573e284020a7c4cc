/**
 * The connection banner, bound to the shared socket's state:
 * 连接中… (connecting), 网络已断开，正在重连… (reconnecting), 连接已断开 (closed for good),
 * and 已连接 for `settle` ms after the link comes back, then nothing.
 */
import type { SocketState } from '../../lib/index'

type Tone = 'hidden' | 'connecting' | 'offline' | 'online'

const TEXTS: Record<Tone, string> = {
  hidden: '',
  connecting: '连接中…',
  offline: '网络已断开，正在重连…',
  online: '已连接',
}

interface BannerPrivate {
  /** The settle timer, cleared on detach. */
  settleTimer: ReturnType<typeof setTimeout> | null
  /** The state last shown. */
  shown: SocketState | null
}

type Data = { tone: Tone; text: string }
type Properties = {
  state: { type: StringConstructor; value: string }
  settle: { type: NumberConstructor; value: number }
}
type Methods = { render(state: SocketState): void; clearTimer(): void }

Component<Data, Properties, Methods, [], BannerPrivate>({
  properties: {
    /** The socket state: 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed'. */
    state: { type: String, value: 'idle' },
    /** ms 已连接 stays after a reconnect. */
    settle: { type: Number, value: 2000 },
  },
  data: {
    tone: 'hidden',
    text: '',
  },
  observers: {
    state(state: string) {
      this.render(state as SocketState)
    },
  },
  lifetimes: {
    created() {
      this.settleTimer = null
      this.shown = null
    },
    attached() {
      // Observers do not run for a property's initial value on every base library version.
      this.render(this.data.state as SocketState)
    },
    detached() {
      this.clearTimer()
    },
  },
  methods: {
    render(state: SocketState) {
      const previous = this.shown ?? null
      if (state === previous) return
      this.shown = state
      this.clearTimer()
      if (state === 'open') {
        // Only a link that was down (or coming up) gets the 已连接 confirmation.
        if (previous === null || previous === 'open') {
          if (this.data.tone !== 'hidden') this.setData({ tone: 'hidden', text: '' })
          return
        }
        this.setData({ tone: 'online', text: TEXTS.online })
        this.settleTimer = setTimeout(() => {
          this.settleTimer = null
          this.setData({ tone: 'hidden', text: '' })
        }, this.data.settle)
        return
      }
      if (state === 'closed') {
        this.setData({ tone: 'offline', text: '连接已断开' })
        return
      }
      const tone: Tone = state === 'reconnecting' ? 'offline' : 'connecting'
      this.setData({ tone, text: TEXTS[tone] })
    },
    clearTimer() {
      if (this.settleTimer !== null) clearTimeout(this.settleTimer)
      this.settleTimer = null
    },
  },
})
