/**
 * The input bar: an image button, the text field, the emoji button and 发送, which is disabled
 * while the text is empty. The emoji button opens a grid under the bar; a tapped emoji goes in
 * at the cursor (the field's last reported position), ⌫ deletes before it. The field does not
 * push the page up by itself (`adjust-position` off): it reports the keyboard height
 * (`keyboard` {height}) and the page moves the bar and the list.
 * Events: `send` {text}, `typing` (each keystroke), `image`, `keyboard` {height}.
 */
import { EMOJI, deleteBefore, insertAt } from './emoji'

type Data = { text: string; canSend: boolean; emojiOpen: boolean; emoji: string[]; cursor: number }
type Properties = {
  /** No typing, no sending (the conversation is closed or not there yet). */
  disabled: { type: BooleanConstructor; value: boolean }
  placeholder: { type: StringConstructor; value: string }
  /** The keyboard is up: the bar sits on it, without the bottom safe-area padding. */
  keyboard: { type: BooleanConstructor; value: boolean }
}
type Methods = {
  onInput(e: WechatMiniprogram.Input): void
  onSend(): void
  onImage(): void
  onKeyboardHeight(e: WechatMiniprogram.InputKeyboardHeightChange): void
  onBlur(e: WechatMiniprogram.InputBlur): void
  onFocus(): void
  onToggleEmoji(): void
  onEmoji(e: WechatMiniprogram.BaseEvent<Record<string, never>, { emoji?: string }>): void
  onDeleteEmoji(): void
  setText(text: string, cursor: number): void
}

Component<Data, Properties, Methods, []>({
  properties: {
    disabled: { type: Boolean, value: false },
    placeholder: { type: String, value: '请描述您的问题' },
    keyboard: { type: Boolean, value: false },
  },
  data: {
    text: '',
    canSend: false,
    emojiOpen: false,
    emoji: EMOJI,
    /** UTF-16 index where an emoji goes in: the field's cursor as last reported. */
    cursor: -1,
  },
  methods: {
    onInput(e) {
      const text = e.detail.value
      const canSend = text.trim() !== ''
      const cursor = typeof e.detail.cursor === 'number' ? e.detail.cursor : text.length
      this.setData(canSend === this.data.canSend ? { text, cursor } : { text, cursor, canSend })
      if (canSend) this.triggerEvent('typing', {})
    },
    onToggleEmoji() {
      if (this.data.disabled) return
      const emojiOpen = !this.data.emojiOpen
      this.setData({ emojiOpen })
      // The panel takes the keyboard's place.
      if (emojiOpen) this.triggerEvent('keyboard', { height: 0 })
    },
    onEmoji(e) {
      const emoji = e.currentTarget.dataset.emoji
      if (typeof emoji !== 'string' || this.data.disabled) return
      const next = insertAt(this.data.text, this.data.cursor, emoji)
      this.setText(next.text, next.cursor)
    },
    onDeleteEmoji() {
      const next = deleteBefore(this.data.text, this.data.cursor)
      this.setText(next.text, next.cursor)
    },
    setText(text, cursor) {
      const canSend = text.trim() !== ''
      this.setData({ text, cursor, canSend })
      if (canSend) this.triggerEvent('typing', {})
    },
    onFocus() {
      if (this.data.emojiOpen) this.setData({ emojiOpen: false })
    },
    onSend() {
      // Also checked here: the confirm key and a fast double tap bypass the disabled button.
      const text = this.data.text
      if (this.data.disabled || text.trim() === '') return
      this.setData({ text: '', cursor: -1, canSend: false })
      this.triggerEvent('send', { text })
    },
    onImage() {
      if (!this.data.disabled) this.triggerEvent('image', {})
    },
    onKeyboardHeight(e) {
      this.triggerEvent('keyboard', { height: e.detail.height })
    },
    onBlur(e) {
      const cursor = (e.detail as { cursor?: unknown }).cursor
      if (typeof cursor === 'number') this.setData({ cursor })
      this.triggerEvent('keyboard', { height: 0 })
    },
  },
})
