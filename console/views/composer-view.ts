/**
 * The reply box: Enter sends, Shift+Enter is a newline (and Enter while an IME is composing
 * picks the candidate, as Chinese input needs). Every keystroke may send a typing notice
 * (the client throttles them). Images go up through the upload endpoint, from the picker
 * or pasted, and are sent as image messages. What is typed is the conversation's draft
 * until it is sent. Near the length limit a counter shows; over it, the error sits beside the
 * counter (never over the text) and nothing is sent.
 */
import { MAX_TEXT_LENGTH, textLength, type ConversationClient } from 'miniprogram-chat-socket/chat'
import type { CannedStore } from '../canned-store'
import type { CannedReply } from '../desk-api'
import type { Drafts } from '../drafts'
import { h, setText, type View } from '../dom'
import { errorText } from '../strings'
import { CannedPopover } from './canned-popover'

export interface ComposerOptions {
  client: ConversationClient
  /** Uploads an image and resolves with its `/uploads/...` path. */
  upload: (file: File) => Promise<{ url: string }>
  toast: (text: string, tone?: 'error' | 'info') => void
  drafts: Drafts
  /** Canned replies: the 快捷回复 button and `/` at the start of the reply. */
  canned?: CannedStore
}

const ACCEPT = 'image/png,image/jpeg,image/gif,image/webp'
/** The input grows with its text up to this height, then scrolls (the messages keep the rest of the column). */
const MAX_ROWS_PX = 160
/** The counter shows from this share of the limit on. */
const COUNTER_FROM = 0.9

export class ComposerView implements View {
  readonly el: HTMLElement
  private readonly input: HTMLTextAreaElement
  private readonly file: HTMLInputElement
  private readonly sendButton: HTMLButtonElement
  private readonly hint: HTMLElement
  private readonly counter: HTMLElement
  private readonly error: HTMLElement
  private uploading = 0
  private disposed = false
  private readonly popover: CannedPopover | null

  constructor(private readonly options: ComposerOptions) {
    this.input = h('textarea', {
      class: 'composer-input',
      attrs: { rows: 3, placeholder: '输入回复…', 'aria-label': '回复内容' },
      on: {
        keydown: (e) => this.onKeyDown(e),
        input: () => this.onInput(),
        paste: (e) => this.onPaste(e),
      },
    })
    this.file = h('input', {
      class: 'visually-hidden',
      attrs: { type: 'file', accept: ACCEPT, tabindex: -1, 'aria-hidden': 'true' },
      on: { change: () => this.onFilePicked() },
    })
    this.sendButton = h(
      'button',
      { class: 'btn btn-primary composer-send', attrs: { type: 'button' }, on: { click: () => this.send() } },
      '发送',
    )
    this.hint = h('span', { class: 'composer-hint' }, 'Enter 发送，Shift + Enter 换行')
    this.counter = h('span', { class: 'composer-counter', attrs: { 'aria-live': 'polite' } })
    this.error = h('span', { class: 'composer-error', attrs: { role: 'alert' } })
    this.el = h(
      'div',
      { class: 'composer' },
      h(
        'div',
        { class: 'composer-tools' },
        h(
          'button',
          {
            class: 'tool-button',
            attrs: { type: 'button', title: '发送图片', 'aria-label': '发送图片' },
            on: { click: () => this.file.click() },
          },
          h('span', { class: 'icon icon-image', attrs: { 'aria-hidden': 'true' } }),
          '图片',
        ),
        this.file,
        options.canned
          ? h(
              'button',
              {
                class: 'tool-button',
                attrs: { type: 'button', title: '快捷回复（输入 / 筛选）', 'aria-label': '快捷回复' },
                data: { action: 'canned' },
                on: { click: () => this.toggleCanned() },
              },
              h('span', { class: 'icon icon-canned', attrs: { 'aria-hidden': 'true' } }),
              '快捷回复',
            )
          : null,
      ),
      this.input,
      h('div', { class: 'composer-actions' }, this.error, this.counter, this.hint, this.sendButton),
    )
    this.popover = options.canned
      ? new CannedPopover({
          store: options.canned,
          pick: (reply) => this.insertCanned(reply),
          closed: () => this.input.focus(),
          toast: options.toast,
        })
      : null
    if (this.popover) this.el.prepend(this.popover.el)
    this.input.value = options.drafts.get(options.client.id)
    this.update()
  }

  /** Call once the element is in the document (the height follows the draft's text). */
  mount(): void {
    this.autosize()
  }

  focus(): void {
    this.input.focus()
  }

  dispose(): void {
    this.disposed = true
    this.popover?.dispose()
  }

  private toggleCanned(): void {
    const popover = this.popover
    if (popover === null) return
    if (popover.isOpen) {
      popover.close()
      this.input.focus()
    } else popover.open('browse')
  }

  /** `/退货` at the start of the reply: the popover, filtered by what follows the slash. */
  private slashQuery(): string | null {
    const match = /^\/([^\n]*)$/.exec(this.input.value)
    return match ? (match[1] ?? '') : null
  }

  /** The chosen reply's text into the box, to edit before sending: replacing a `/filter`, else at the caret. */
  private insertCanned(reply: CannedReply): void {
    const input = this.input
    if (this.slashQuery() !== null) {
      input.value = reply.text
      input.setSelectionRange(input.value.length, input.value.length)
    } else {
      const start = input.selectionStart
      const end = input.selectionEnd
      input.setRangeText(reply.text, start, end, 'end')
    }
    this.popover?.close()
    input.focus()
    this.onInput()
  }

  private onKeyDown(e: KeyboardEvent): void {
    if (this.popover?.isOpen === true && this.slashQuery() !== null && this.popover.handleKey(e)) {
      e.preventDefault()
      return
    }
    if (e.key !== 'Enter' || e.shiftKey || e.isComposing || e.keyCode === 229) return
    e.preventDefault()
    this.send()
  }

  private onInput(): void {
    const slash = this.slashQuery()
    if (this.popover !== null) {
      if (slash !== null) {
        if (this.popover.isOpen) this.popover.setQuery(slash)
        else this.popover.open('slash', slash)
      } else if (this.popover.isOpen && this.popover.el.dataset.mode === 'slash') this.popover.close()
    }
    this.autosize()
    this.update()
    this.options.drafts.set(this.options.client.id, this.input.value)
    if (this.input.value !== '') this.options.client.typing()
  }

  private send(): void {
    const text = this.input.value
    if (text.trim() === '') return
    if (textLength(text) > MAX_TEXT_LENGTH) {
      this.update()
      this.input.focus()
      return
    }
    // sendText shows the message at once ('sending') and never rejects: failures mark it 'failed'.
    void this.options.client.sendText(text)
    this.input.value = ''
    this.options.drafts.set(this.options.client.id, '')
    this.autosize()
    this.update()
    this.input.focus()
  }

  private onPaste(e: ClipboardEvent): void {
    const files = Array.from(e.clipboardData?.files ?? []).filter((f) => ACCEPT.split(',').includes(f.type))
    if (files.length === 0) return
    e.preventDefault()
    for (const f of files) void this.sendImage(f)
  }

  private onFilePicked(): void {
    const picked = this.file.files?.[0]
    this.file.value = ''
    if (picked !== undefined) void this.sendImage(picked)
  }

  private async sendImage(file: File): Promise<void> {
    this.uploading++
    this.updateHint()
    try {
      const [{ url }, size] = await Promise.all([this.options.upload(file), imageSize(file)])
      if (this.disposed) return
      void this.options.client.sendImage({ url, ...size })
    } catch (err) {
      if (!this.disposed) this.options.toast(`图片发送失败：${errorText(err)}`, 'error')
    } finally {
      this.uploading--
      if (!this.disposed) this.updateHint()
    }
  }

  private updateHint(): void {
    setText(this.hint, this.uploading > 0 ? '图片上传中…' : 'Enter 发送，Shift + Enter 换行')
  }

  /** The send button, the counter and the length error follow the text. */
  private update(): void {
    const text = this.input.value
    const length = textLength(text)
    const over = length - MAX_TEXT_LENGTH
    this.sendButton.disabled = text.trim() === '' || over > 0
    this.counter.hidden = length < MAX_TEXT_LENGTH * COUNTER_FROM
    this.counter.dataset.over = over > 0 ? 'yes' : 'no'
    setText(this.counter, `${length} / ${MAX_TEXT_LENGTH}`)
    this.error.hidden = over <= 0
    setText(this.error, over > 0 ? `超出 ${over} 字，请删减后发送` : '')
  }

  private autosize(): void {
    // Measuring needs the input collapsed ('auto'); the box holds its height meanwhile, so the
    // message list above never shrinks for the measurement and its scroll position is not clamped.
    this.el.style.minHeight = `${this.el.offsetHeight}px`
    this.input.style.height = 'auto'
    this.input.style.height = `${Math.min(this.input.scrollHeight, MAX_ROWS_PX)}px`
    this.el.style.minHeight = ''
  }
}

/** Natural size of an image file, or nothing when the browser cannot tell. */
async function imageSize(file: Blob): Promise<{ width?: number; height?: number }> {
  if (typeof createImageBitmap !== 'function') return {}
  try {
    const bitmap = await createImageBitmap(file)
    const size = { width: bitmap.width, height: bitmap.height }
    bitmap.close()
    return size
  } catch {
    return {}
  }
}
