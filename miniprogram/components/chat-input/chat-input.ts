/**
 * The input bar: an image button, the text field and 发送, which is disabled while the text
 * is empty. The field does not push the page up by itself (`adjust-position` off): it
 * reports the keyboard height (`keyboard` {height}) and the page moves the bar and the list.
 * Events: `send` {text}, `typing` (each keystroke), `image`, `keyboard` {height}.
 */

type Data = { text: string; canSend: boolean }
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
  onBlur(): void
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
  },
  methods: {
    onInput(e) {
      const text = e.detail.value
      const canSend = text.trim() !== ''
      this.setData(canSend === this.data.canSend ? { text } : { text, canSend })
      if (canSend) this.triggerEvent('typing', {})
    },
    onSend() {
      // Also checked here: the confirm key and a fast double tap bypass the disabled button.
      const text = this.data.text
      if (this.data.disabled || text.trim() === '') return
      this.setData({ text: '', canSend: false })
      this.triggerEvent('send', { text })
    },
    onImage() {
      if (!this.data.disabled) this.triggerEvent('image', {})
    },
    onKeyboardHeight(e) {
      this.triggerEvent('keyboard', { height: e.detail.height })
    },
    onBlur() {
      this.triggerEvent('keyboard', { height: 0 })
    },
  },
})
