/**
 * The chat page. A `Component()` page (typed with the isPage flag): the lifecycle methods
 * live in `methods`, and everything else is in `ChatPageController`, which binds the
 * app-wide chat service to this page's data. Listeners and timers added in onLoad are
 * removed in onUnload.
 */
import { chatService } from '../../services/index'
import { wxUi } from '../../utils/wx-ui'
import { ChatPageController, initialData } from './chat-controller'
import type { ChatPageData } from './chat-controller'

type Methods = {
  onSend(e: WechatMiniprogram.CustomEvent<{ text: string }>): void
  onTyping(): void
  onChooseImage(): void
  onResend(e: WechatMiniprogram.CustomEvent<{ id: string }>): void
  onPreview(e: WechatMiniprogram.CustomEvent<{ src: string }>): void
  onQuickReply(e: WechatMiniprogram.BaseEvent<Record<string, never>, { text?: string }>): void
  onScrollTop(): void
  onScrollBottom(): void
  onScroll(e: WechatMiniprogram.ScrollViewScroll): void
  onKeyboard(e: WechatMiniprogram.CustomEvent<{ height: number }>): void
  onReopen(): void
  onMenu(e: WechatMiniprogram.CustomEvent<{ id: string }>): void
  onCloseMenu(): void
  onCopy(e: WechatMiniprogram.CustomEvent<{ id: string }>): void
  onRecall(e: WechatMiniprogram.CustomEvent<{ id: string }>): void
  onRateScore(e: WechatMiniprogram.BaseEvent<Record<string, never>, { score?: number }>): void
  onRateComment(e: WechatMiniprogram.Input): void
  onRateSubmit(): void
  onJumpToNewest(): void
}

type Private = {
  controller: ChatPageController | null
}

Component<ChatPageData, Record<never, never>, Methods, [], Private, true>({
  data: initialData(),
  methods: {
    onLoad() {
      this.controller = new ChatPageController(chatService(), this, { ui: wxUi(wx) })
      this.controller.load()
    },
    onShow() {
      this.controller?.show()
    },
    onHide() {
      this.controller?.hide()
    },
    onUnload() {
      this.controller?.unload()
      this.controller = null
    },
    onSend(e) {
      this.controller?.send(e.detail.text)
    },
    onTyping() {
      this.controller?.typing()
    },
    onChooseImage() {
      void this.controller?.chooseImage()
    },
    onResend(e) {
      this.controller?.resend(e.detail.id)
    },
    onPreview(e) {
      this.controller?.previewImage(e.detail.src)
    },
    onQuickReply(e) {
      const text = e.currentTarget.dataset.text
      if (typeof text === 'string') this.controller?.send(text)
    },
    onScrollTop() {
      this.controller?.loadOlder()
    },
    onScrollBottom() {
      this.controller?.reachedBottom()
    },
    onScroll(e) {
      // deltaY > 0: the content moved down, i.e. the user scrolled up towards older messages.
      if (e.detail.deltaY > 0) this.controller?.scrolled(true)
    },
    onKeyboard(e) {
      this.controller?.keyboard(e.detail.height)
    },
    onReopen() {
      this.controller?.reopen()
    },
    onMenu(e) {
      this.controller?.openMenu(e.detail.id)
    },
    onCloseMenu() {
      this.controller?.closeMenu()
    },
    onCopy(e) {
      this.controller?.copy(e.detail.id)
    },
    onRecall(e) {
      this.controller?.recall(e.detail.id)
    },
    onRateScore(e) {
      const score = Number(e.currentTarget.dataset.score)
      this.controller?.rateScore(score)
    },
    onRateComment(e) {
      this.controller?.rateComment(e.detail.value)
    },
    onRateSubmit() {
      this.controller?.submitRating()
    },
    onJumpToNewest() {
      this.controller?.jumpToNewest()
    },
  },
})
