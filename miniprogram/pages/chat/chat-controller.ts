/**
 * Everything the chat page does, apart from being a `Component()`: binds the app-wide
 * service's socket state and the conversation client to page data, with `setData`
 * discipline:
 * - the list is kept in page-sized blocks (`MessageBlocks`): a change becomes a path into its
 *   block (`blocks.n0[12]`, `blocks.n0[3].status`), an older page one new block, so no
 *   `setData` carries the whole history (WeChat refuses payloads over 1 MB);
 * - changes within `batchDelay` ms (a burst of pushes, a sync page) go out as one `setData`;
 * - nothing is sent while the page is hidden; `show()` sends what piled up, once.
 * Every listener and timer `load()` adds, `unload()` removes.
 */
import { RATING_COMMENT_MAX_LENGTH, systemClock } from '../../lib/chat/index'
import type {
  Clock,
  Conversation,
  ConversationClient,
  ConversationClientState,
  CustomerSession,
  ListChange,
  ListMessage,
} from '../../lib/chat/index'
import type { SocketState } from '../../lib/index'
import type { ChatService } from '../../services/chat-service'
import { chatNotice, chatTitle } from '../../utils/status-text'
import type { ChosenImage, PageUi } from '../../utils/wx-ui'
import type { MessageView, ViewContext } from './message-view'
import { MessageBlocks } from './message-blocks'
import { anchorOf, timeLabelAt, toView } from './message-view'

export const QUICK_REPLIES = ['订单什么时候发货？', '如何申请退款？', '修改收货地址', '发票怎么开？', '商品质量问题']

export interface ChatPageData {
  /** The messages in blocks: block id → views; `order` lists the ids, oldest first (see MessageBlocks). */
  blocks: Record<string, MessageView[]>
  order: string[]
  /** Messages in all blocks. */
  count: number
  /** The shared socket's state, for the connection banner. */
  connection: SocketState
  /** A conversation client is bound: the input is enabled. */
  ready: boolean
  /** The newest history page has arrived. */
  loaded: boolean
  loadingOlder: boolean
  hasMore: boolean
  /** 对方正在输入… */
  typing: boolean
  /** Conversation status line ('' when there is nothing to say). */
  notice: string
  closed: boolean
  /** `scroll-into-view` target: the anchor of a message (`anchorOf(id)`), never its index. */
  scrollInto: string
  quickReplies: string[]
  /** px the keyboard covers; the layout moves up by it. */
  keyboardHeight: number
  /** The message whose long-press menu is open ('' for none), and what it offers ('copy' | 'recall' | 'both'). */
  menuId: string
  menuItems: string
  /** The satisfaction card under a closed conversation. */
  rating: RatingView
  /** Images being uploaded (or whose upload failed), as my bubbles after the messages: the local file, progress, 发送失败. */
  uploads: MessageView[]
  /** New messages that arrived while the user reads above: the 有 N 条新消息 pill (0: hidden). */
  newCount: number
}

export interface RatingView {
  /** An agent served the closed conversation: ask for (or show) a rating. */
  show: boolean
  /** 1–5 chosen (or given); 0 before a star is tapped. */
  score: number
  /** Given: the stars are shown, not asked for. */
  done: boolean
  sending: boolean
  /** The comment given. */
  comment: string
}

const NO_RATING: RatingView = { show: false, score: 0, done: false, sending: false, comment: '' }

export function initialData(): ChatPageData {
  return {
    blocks: {},
    order: [],
    count: 0,
    connection: 'idle',
    ready: false,
    loaded: false,
    loadingOlder: false,
    hasMore: false,
    typing: false,
    notice: chatNotice(null),
    closed: false,
    scrollInto: '',
    quickReplies: QUICK_REPLIES.slice(),
    keyboardHeight: 0,
    menuId: '',
    menuItems: '',
    rating: { ...NO_RATING },
    uploads: [],
    newCount: 0,
  }
}

export interface DataSink {
  setData(data: Record<string, unknown>): void
}

/** What the page needs of the app-wide `ChatService` (the benchmark hands in an in-memory one). */
export type ChatPageService = Pick<ChatService, 'config' | 'state' | 'start' | 'on' | 'imageSrc' | 'uploadImage'>

export interface ChatPageOptions {
  ui: PageUi
  /** ms to collect changes before one `setData`. Default: the service's `config.batchDelay`, else 30. */
  batchDelay?: number
  /** The batch timer and the time labels' now. Default: the global timers and Date.now. */
  clock?: Clock
  /** Messages per block of the list (MessageBlocks). Default: the history page size, else 20. */
  blockSize?: number
}

type PageData = Partial<ChatPageData> & Record<string, unknown>

export class ChatPageController {
  private readonly ui: PageUi
  private readonly batchDelay: number
  private readonly clock: Clock
  private readonly context: ViewContext
  private readonly blocks: MessageBlocks
  private session: CustomerSession | null = null
  private client: ConversationClient | null = null
  private pageSubs: Array<() => void> = []
  private clientSubs: Array<() => void> = []
  private changes: ListChange[] = []
  private pending: PageData = {}
  private timer: unknown = null
  private hidden = false
  private unloaded = false
  /** The view follows new messages (false once the user scrolled up to read). */
  private followNewest = true
  /** My message was added since the last flush: scroll to it even when reading above. */
  private sentSince = false
  private unread = false
  private opening: Promise<void> | null = null
  /** The bound client's first history page has been rendered. */
  private shownLoaded = false
  /** What `showConversation` last put on the page. */
  private shown: { notice: string; closed: boolean; title: string; rating: string } | null = null
  /** The rating card as shown, and the comment typed into it (not data: nothing renders it back). */
  private rating: RatingView = { ...NO_RATING }
  private ratingComment = ''
  /** Image uploads shown as placeholders, in order: the chosen file, and its view (the same index in `uploads`). */
  private uploads: Array<{ view: MessageView; chosen: ChosenImage; client: ConversationClient }> = []
  private uploadCounter = 0
  /** Messages from others that arrived while the user read above (the pill). */
  private newCount = 0

  constructor(
    private readonly service: ChatPageService,
    private readonly sink: DataSink,
    options: ChatPageOptions,
  ) {
    this.ui = options.ui
    this.batchDelay = options.batchDelay ?? service.config.batchDelay ?? 30
    this.clock = options.clock ?? systemClock
    const clock = this.clock
    this.context = {
      get now() {
        return clock.now()
      },
      imageSrc: (url) => service.imageSrc(url),
    }
    const context = this.context
    this.blocks = new MessageBlocks(
      options.blockSize ?? service.config.historyPageSize ?? 20,
      (messages, index) => toView(messages, index, context),
      (messages, index) => timeLabelAt(messages, index, context.now),
    )
  }

  /** onLoad: subscribe, render what is known, open (or reuse) my conversation. */
  load(): void {
    if (this.session !== null || this.unloaded) return
    const session = this.service.start()
    this.session = session
    this.pageSubs.push(
      this.service.on('state', (state) => {
        this.queue({ connection: state })
        if (state === 'open' && this.client === null) this.open()
      }),
      session.on('client', (client) => {
        if (client !== null) this.bind(client)
      }),
      session.on('conversation', ({ conversation }) => this.showConversation(conversation)),
    )
    this.pending.connection = this.service.state
    if (session.client !== null) this.bind(session.client)
    this.open()
    this.flush()
  }

  /** onShow: send what piled up while hidden. */
  show(): void {
    if (!this.hidden) return
    this.hidden = false
    this.flush()
  }

  /** onHide: no `setData` until `show()`. */
  hide(): void {
    this.hidden = true
    this.cancelFlush()
  }

  /** onUnload: removes every listener and timer this page added. */
  unload(): void {
    this.unloaded = true
    this.unbindClient()
    for (const unsubscribe of this.pageSubs.splice(0)) unsubscribe()
    this.cancelFlush()
    this.pending = {}
    this.session = null
  }

  /** Sends a text (shown at once as 发送中). False when there is no open conversation to send it to. */
  send(text: string): boolean {
    const client = this.client
    if (client === null || text.trim() === '' || this.closedNow()) return false
    try {
      void client.sendText(text)
    } catch (err) {
      this.ui.toast(err instanceof RangeError && err.message.includes('longer') ? '消息太长了' : '发送失败')
      return false
    }
    this.sentSince = true
    return true
  }

  /** Tapping 发送失败: the same message, same id, goes out again (a failed upload is uploaded again). */
  resend(id: string): void {
    const upload = this.uploads.find((u) => u.view.id === id)
    if (upload !== undefined) {
      if (upload.view.status === 'failed') void this.runUpload(upload)
      return
    }
    const client = this.client
    if (client === null) return
    try {
      void client.resend(id)
    } catch {
      // Not a message of mine (the list changed under the tap): nothing to resend.
    }
  }

  /** Scrolled to the top: the next older page. */
  loadOlder(): void {
    const client = this.client
    if (client === null) return
    const state = client.state
    if (!state.loaded || !state.hasMore || state.loadingOlder) return
    void client.loadOlder()
  }

  /** Every keystroke (the client throttles the notices). */
  typing(): void {
    this.client?.typing()
  }

  /** The user scrolled: `up` when towards older messages. */
  scrolled(up: boolean): void {
    if (up) this.followNewest = false
  }

  /** The list reached its bottom: follow new messages again. */
  reachedBottom(): void {
    this.followNewest = true
    this.setNewCount(0)
  }

  /** Tapping 有 N 条新消息: to the newest message, following again. */
  jumpToNewest(): void {
    this.followNewest = true
    this.setNewCount(0)
    this.scrollToNewest()
    this.flush()
  }

  keyboard(height: number): void {
    this.queue({ keyboardHeight: Math.max(0, Math.round(height)) })
    if (height > 0) this.followNewest = true
    this.scrollToNewest()
    this.flush()
  }

  /**
   * 图片: choose, then at once a placeholder bubble with the local file and the upload's
   * progress; uploaded, it becomes the image message (发送中 → 已发送). A failed upload stays
   * as 发送失败 and uploads again on a tap, like a text.
   */
  async chooseImage(): Promise<void> {
    const client = this.client
    if (client === null || this.closedNow()) return
    const chosen = await this.ui.chooseImage().catch(() => null)
    if (chosen === null || this.unloaded || this.client !== client) return
    const id = `upload-${++this.uploadCounter}`
    const view: MessageView = {
      id,
      anchor: anchorOf(id),
      kind: 'image',
      mine: true,
      role: 'customer',
      name: '',
      avatar: '',
      initial: Array.from(client.user.name)[0] ?? '我',
      image: chosen.path,
      status: 'sending',
      time: '',
      recalled: false,
      progress: 0,
    }
    const upload = { view, chosen, client }
    this.uploads.push(upload)
    this.sentSince = true
    this.queue({ [`uploads[${this.uploads.length - 1}]`]: view, scrollInto: view.anchor })
    this.flush()
    await this.runUpload(upload)
  }

  private async runUpload(upload: { view: MessageView; chosen: ChosenImage; client: ConversationClient }): Promise<void> {
    // Again after a failure: back to 发送中 from 0%.
    if (upload.view.status !== 'sending' || upload.view.progress !== 0) this.patchUpload(upload, { status: 'sending', progress: 0 })
    let lastShown = 0
    try {
      const image = await this.service.uploadImage(upload.chosen.path, upload.chosen, (percent) => {
        // Steps of 10% at most: a setData per progress event would flood the view layer.
        const rounded = Math.min(100, Math.max(0, Math.floor(percent / 10) * 10))
        if (rounded <= lastShown) return
        lastShown = rounded
        // At once, not batched: at most ten small writes per image, and the bar should move.
        this.patchUpload(upload, { progress: rounded })
        this.flush()
      })
      if (this.unloaded || this.client !== upload.client || !this.uploads.includes(upload)) return
      this.removeUpload(upload)
      this.sentSince = true
      void upload.client.sendImage(image)
    } catch {
      if (this.unloaded || !this.uploads.includes(upload)) return
      this.patchUpload(upload, { status: 'failed' })
      this.ui.toast('图片上传失败，点击重试')
    }
  }

  private patchUpload(upload: { view: MessageView }, patch: Partial<MessageView>): void {
    const index = this.uploads.findIndex((u) => u.view === upload.view || u === upload)
    if (index < 0 || this.unloaded) return
    Object.assign(upload.view, patch)
    const data: PageData = {}
    for (const [name, value] of Object.entries(patch)) data[`uploads[${index}].${name}`] = value
    this.queue(data)
  }

  private removeUpload(upload: { view: MessageView }): void {
    this.uploads = this.uploads.filter((u) => u !== upload)
    // A short array (uploads in flight): written whole.
    this.queue({ uploads: this.uploads.map((u) => u.view) })
  }

  /** Tapping an image: preview it among all images of the conversation. */
  previewImage(src: string): void {
    if (src === '') return
    const urls: string[] = []
    for (const message of this.client?.messages ?? []) {
      if (message.kind !== 'image' || message.image === undefined) continue
      const url = this.service.imageSrc(message.image.url)
      if (url !== '') urls.push(url)
    }
    this.ui.previewImage(src, urls.includes(src) ? urls : [src])
  }

  /** A long press on message `id`: its menu (复制 for texts, 撤回 for mine within 2 minutes), if it has anything. */
  openMenu(id: string): void {
    const client = this.client
    const message = client?.messages.find((m) => m.id === id)
    if (client === null || message === undefined || message.recalled === true) return
    const copy = message.kind === 'text'
    const recall = client.canRecall(id)
    if (!copy && !recall) return
    this.queue({ menuId: id, menuItems: copy && recall ? 'both' : copy ? 'copy' : 'recall' })
    this.flush()
  }

  closeMenu(): void {
    this.queue({ menuId: '', menuItems: '' })
    this.flush()
  }

  /** 复制: the text to the clipboard. */
  copy(id: string): void {
    this.closeMenu()
    const text = this.client?.messages.find((m) => m.id === id)?.text
    if (text !== undefined && text !== '') this.ui.copy(text)
  }

  /** 撤回: my message within 2 minutes; the server tells the other side. */
  recall(id: string): void {
    this.closeMenu()
    const client = this.client
    if (client === null) return
    if (!client.canRecall(id)) {
      this.ui.toast('超过2分钟的消息无法撤回')
      return
    }
    void client.recall(id).then((ok) => {
      if (!ok && !this.unloaded) this.ui.toast('撤回失败，请稍后再试')
    })
  }

  /** A star of the rating card. */
  rateScore(score: number): void {
    if (this.rating.done || this.rating.sending || !(score >= 1 && score <= 5)) return
    this.rating = { ...this.rating, score: Math.round(score) }
    this.queue({ rating: this.rating })
    this.flush()
  }

  rateComment(text: string): void {
    this.ratingComment = text
  }

  /** 提交评价: once; the card turns into 感谢您的评价 when the server has it. */
  submitRating(): void {
    const client = this.client
    const { score, done, sending } = this.rating
    if (client === null || done || sending || score === 0) return
    this.rating = { ...this.rating, sending: true }
    this.queue({ rating: this.rating })
    this.flush()
    const comment = Array.from(this.ratingComment).slice(0, RATING_COMMENT_MAX_LENGTH).join('')
    void client.rate(score, comment).then((ok) => {
      if (this.unloaded || ok) return // the rated conversation comes back through showConversation
      this.rating = { ...this.rating, sending: false }
      this.queue({ rating: this.rating })
      this.ui.toast('评价提交失败，请重试')
    })
  }

  /** 重新咨询 after the conversation closed: a new conversation. */
  reopen(): void {
    this.open()
  }

  /** Binds my open conversation, creating one when there is none or mine was closed. */
  private open(): void {
    const session = this.session
    if (session === null || this.opening !== null) return
    if (this.client !== null && !this.closedNow()) return
    this.opening = session.open().then(
      (client) => {
        this.opening = null
        if (!this.unloaded) this.bind(client)
      },
      () => {
        // Offline or refused: the banner says so; the next 'open' state tries again.
        this.opening = null
      },
    )
  }

  private closedNow(): boolean {
    return this.client?.conversation.status === 'closed'
  }

  private bind(client: ConversationClient): void {
    if (this.unloaded || client === this.client) return
    this.unbindClient()
    this.client = client
    this.changes = []
    this.followNewest = true
    this.clientSubs.push(
      client.on('change', (change) => {
        this.changes.push(change)
        this.schedule()
      }),
      client.on('state', (state) => {
        this.queue(stateData(state))
        // The first history page is what the user waits for: no batching delay for it.
        if (state.loaded && !this.shownLoaded) this.flush()
      }),
      client.on('typing', (who) => this.queue({ typing: who !== null })),
      client.on('conversation', ({ conversation }) => this.showConversation(conversation)),
      client.on('incoming', () => {
        this.unread = true
      }),
    )
    const messages = client.messages
    this.shownLoaded = client.state.loaded
    this.unread = messages.length > 0
    Object.assign(this.pending, stateData(client.state), {
      ready: true,
      ...this.blocks.reset(messages),
      typing: client.peerTyping !== null,
      scrollInto: anchorAt(messages, messages.length - 1),
    })
    this.showConversation(client.conversation)
    this.flush()
  }

  private unbindClient(): void {
    for (const unsubscribe of this.clientSubs.splice(0)) unsubscribe()
    this.client = null
    this.changes = []
  }

  private showConversation(conversation: Conversation | null): void {
    if (conversation !== null && this.client !== null && conversation.id !== this.client.id) return
    const closed = conversation?.status === 'closed'
    const notice = chatNotice(conversation)
    const title = chatTitle(conversation)
    const given = conversation?.rating
    const show = closed && (conversation?.agent ?? null) !== null
    const rating: RatingView = given
      ? { show, score: given.score, done: true, sending: false, comment: given.comment ?? '' }
      : { ...this.rating, show, done: false, ...(!closed && { score: 0, sending: false }) }
    const ratingKey = JSON.stringify(rating)
    // A new latest message re-announces the conversation too: only what changed is written.
    const shown = this.shown
    if (shown !== null && shown.notice === notice && shown.closed === closed && shown.title === title && shown.rating === ratingKey) return
    this.shown = { notice, closed, title, rating: ratingKey }
    this.rating = rating
    this.queue({ notice, closed, rating })
    if (shown?.title !== title) this.ui.setTitle(title)
  }

  private queue(data: PageData): void {
    Object.assign(this.pending, data)
    this.schedule()
  }

  private schedule(): void {
    if (this.timer !== null || this.hidden || this.unloaded) return
    this.timer = this.clock.setTimeout(() => {
      this.timer = null
      this.flush()
    }, this.batchDelay)
  }

  private cancelFlush(): void {
    if (this.timer === null) return
    this.clock.clearTimeout(this.timer)
    this.timer = null
  }

  /** One `setData` with everything pending. */
  private flush(): void {
    this.cancelFlush()
    if (this.hidden || this.unloaded) return
    const data = this.pending
    this.pending = {}
    const client = this.client
    if (client !== null && this.changes.length > 0) {
      const changes = this.changes
      this.changes = []
      const messages = client.messages
      Object.assign(data, this.blocks.apply(changes, messages))
      const follow = this.followNewest || this.sentSince
      const target = scrollTarget(changes, messages, follow)
      if (target !== null && !('scrollInto' in data)) data.scrollInto = target
      if (!follow) {
        const arrived = newFromOthers(changes)
        if (arrived > 0) {
          this.newCount += arrived
          data.newCount = this.newCount
        }
      } else if (this.newCount > 0) {
        this.newCount = 0
        data.newCount = 0
      }
    }
    this.sentSince = false
    if (data.loaded === true) this.shownLoaded = true
    if (Object.keys(data).length > 0) this.sink.setData(data)
    if (this.unread && client !== null && !this.hidden) {
      this.unread = false
      void client.markRead()
    }
  }

  private scrollToNewest(): void {
    const upload = this.uploads[this.uploads.length - 1]
    const messages = this.client?.messages ?? []
    if (upload !== undefined) this.pending.scrollInto = upload.view.anchor
    else if (messages.length > 0) this.pending.scrollInto = anchorAt(messages, messages.length - 1)
  }

  private setNewCount(count: number): void {
    if (this.newCount === count) return
    this.newCount = count
    this.queue({ newCount: count })
  }
}

function stateData(state: ConversationClientState): PageData {
  return { loaded: state.loaded, loadingOlder: state.loadingOlder, hasMore: state.hasMore }
}

/**
 * Where to scroll after `changes`: older messages added on top keep the message that was
 * first in view (now at index `count`); new ones at the bottom are followed when
 * `follow`; anything else leaves the scroll position alone (null).
 */
function scrollTarget(changes: readonly ListChange[], messages: readonly ListMessage[], follow: boolean): string | null {
  const length = messages.length
  let prepended = 0
  let grewAtEnd = false
  for (const change of changes) {
    if (change.type === 'prepend') prepended += change.count
    else if (change.type === 'append' || change.type === 'reset') grewAtEnd = true
  }
  if (grewAtEnd && follow && length > 0) return anchorAt(messages, length - 1)
  if (prepended > 0) return anchorAt(messages, Math.min(prepended, length - 1))
  return null
}

/** Messages from others added at the end by `changes` (what the 有 N 条新消息 pill counts). */
function newFromOthers(changes: readonly ListChange[]): number {
  let count = 0
  for (const change of changes) {
    if (change.type === 'append') for (const message of change.messages) if (!message.mine && message.kind !== 'system') count++
  }
  return count
}

function anchorAt(messages: readonly ListMessage[], index: number): string {
  const message = messages[index]
  return message === undefined ? '' : anchorOf(message.id)
}
