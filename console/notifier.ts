/**
 * Desktop notifications and an optional sound for a new conversation or a customer message,
 * when the agent would not see it otherwise: the tab is hidden, or another conversation is
 * open. Permission is asked only when the agent clicks 开启通知 (a browser asks nobody on load
 * who has not asked for it); the sound is a short tone (Web Audio, no file), off by default,
 * remembered in localStorage.
 */
export interface NotifierOptions {
  win: Window & typeof globalThis
  /** Where the sound setting is remembered. */
  storage: Storage
  /** Opens the conversation a notification was about. */
  open(conversationId: string): void
}

const SOUND_KEY = 'console:sound'

export class Notifier {
  private audio: AudioContext | null = null

  constructor(private readonly options: NotifierOptions) {}

  /** 'granted', 'denied', 'default', or 'unsupported' when the browser has no Notification. */
  get permission(): NotificationPermission | 'unsupported' {
    return typeof this.options.win.Notification === 'function' ? this.options.win.Notification.permission : 'unsupported'
  }

  async requestPermission(): Promise<NotificationPermission | 'unsupported'> {
    if (this.permission === 'unsupported') return 'unsupported'
    return this.options.win.Notification.requestPermission()
  }

  get sound(): boolean {
    return this.options.storage.getItem(SOUND_KEY) === 'on'
  }

  set sound(on: boolean) {
    this.options.storage.setItem(SOUND_KEY, on ? 'on' : 'off')
  }

  /**
   * Tells the agent about `conversationId` unless they are looking at it (tab visible and it
   * open). `tag` folds repeats of one conversation into one notification.
   */
  notify(conversationId: string, title: string, body: string, openId: string | null): boolean {
    const doc = this.options.win.document
    if (doc.visibilityState === 'visible' && openId === conversationId) return false
    if (this.permission === 'granted') {
      const note = new this.options.win.Notification(title, { body, tag: conversationId, lang: 'zh-CN' })
      note.onclick = () => {
        this.options.win.focus()
        this.options.open(conversationId)
        note.close()
      }
    }
    if (this.sound) this.beep()
    return true
  }

  private beep(): void {
    const Ctor = this.options.win.AudioContext as typeof AudioContext | undefined
    if (Ctor === undefined) return
    try {
      this.audio ??= new Ctor()
      const ctx = this.audio
      const osc = ctx.createOscillator()
      const gain = ctx.createGain()
      osc.frequency.value = 880
      gain.gain.setValueAtTime(0.08, ctx.currentTime)
      gain.gain.exponentialRampToValueAtTime(0.0001, ctx.currentTime + 0.25)
      osc.connect(gain).connect(ctx.destination)
      osc.start()
      osc.stop(ctx.currentTime + 0.25)
    } catch {
      // No audio device: the notification (if any) still went.
    }
  }
}
