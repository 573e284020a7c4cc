/**
 * The one chat connection of the whole app. A mini-program may hold at most 5 sockets and
 * every page would otherwise open its own: pages never construct a `ChatSocket`, they ask
 * this service (through `chatService()`) and subscribe on load, unsubscribe on unload.
 *
 * - login: `wx.login` → `POST /api/login`, token kept in storage (see `Auth`);
 * - one `ChatSocket`, whose `header` function is called on every (re)connect, so a
 *   reconnect always carries a current token;
 * - one `CustomerSession` on it (who I am, my conversation, its live `ConversationClient`).
 */
import type { AppConfig } from '../config'
import { socketUrl } from '../config'
import { CustomerSession, FRAME_RATE_LIMIT, createEmitter, paceFor, watchToken } from '../lib/chat/index'
import type { Clock, ConversationClient, ImageContent } from '../lib/chat/index'
import { ChatSocket } from '../lib/index'
import type { ChatSocketOptions, OutboxStorage, SocketState } from '../lib/index'
import { Auth } from './auth'
import type { Platform } from './platform'

export type ChatServiceEvents = {
  /** The shared socket's state: what the connection banners show. */
  state: SocketState
  /** A background failure (login, the session request). Views may ignore it. */
  error: Error
}

export interface ChatServiceOptions {
  platform: Platform
  config: AppConfig
  /** Default Date.now. */
  now?: () => number
  /** The socket's and the session's timers. Default: the global timers and Date.now. */
  clock?: Clock
}

/** Where the socket keeps its outbox (`persist`): the app's storage (`wx.setStorageSync`), under this key. */
export const OUTBOX_STORAGE_KEY = 'chat.outbox'

/** Who I am and my conversation as last known, so the chat shows at launch before the server answers (offline too). */
export const SESSION_STORAGE_KEY = 'chat.session'

/** `POST /api/upload` failed. `status` is the HTTP status. */
export class UploadError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message)
    this.name = 'UploadError'
  }
}

export class ChatService {
  readonly config: AppConfig
  readonly auth: Auth
  private readonly platform: Platform
  private readonly clock: Clock | undefined
  private readonly emitter = createEmitter<ChatServiceEvents>()
  private chatSocket: ChatSocket | null = null
  private customer: CustomerSession | null = null
  private unsubscribes: Array<() => void> = []
  private disposed = false

  constructor(options: ChatServiceOptions) {
    if (options === null || typeof options !== 'object' || options.platform === undefined || options.config === undefined) {
      throw new TypeError('ChatService: options.platform and options.config are required')
    }
    if (typeof options.config.server !== 'string' || !/^https?:\/\//.test(options.config.server)) {
      throw new RangeError(`ChatService: config.server must be an http(s) URL, got ${String(options.config.server)}`)
    }
    this.config = options.config
    this.platform = options.platform
    this.clock = options.clock
    this.auth = new Auth(options.platform, this.server, options.now)
  }

  on<K extends keyof ChatServiceEvents>(type: K, handler: (event: ChatServiceEvents[K]) => void): () => void {
    return this.emitter.on(type, handler)
  }

  /** Listeners pages have on this service (a leak check for tests). */
  listenerCount(): number {
    return this.emitter.listenerCount()
  }

  /** The shared socket's state; 'idle' before `start()`. */
  get state(): SocketState {
    return this.chatSocket?.state ?? 'idle'
  }

  /** The shared socket, once started. Pages subscribe to the service instead. */
  get socket(): ChatSocket | null {
    return this.chatSocket
  }

  /** The customer session, once started. */
  get session(): CustomerSession | null {
    return this.customer
  }

  /** The server's HTTP origin, without a trailing slash. */
  get server(): string {
    return this.config.server.replace(/\/+$/, '')
  }

  /** Creates the shared socket and the session on it, once; later calls return the same session. */
  start(): CustomerSession {
    if (this.disposed) throw new Error('ChatService: start() after dispose()')
    if (this.customer !== null) return this.customer
    const { reconnect, heartbeat, queue, persist, transports, fallbackAfter, probeInterval, pollingUrl } = this.config
    const platform = this.platform
    // What the customer typed survives the app being killed: unacked messages are kept in
    // storage and go out at the next launch with their original ids (the server dedups).
    const storage: OutboxStorage = {
      get: (key) => platform.getStorage(key),
      set: (key, value) => platform.setStorage(key, value),
      remove: (key) => platform.removeStorage(key),
    }
    const options: ChatSocketOptions = {
      url: socketUrl(this.config),
      header: () => this.header(),
      connectSocket: platform.connectSocket,
      lifecycle: platform.lifecycle,
      ...(persist !== false && { persist: { key: OUTBOX_STORAGE_KEY, ...persist, storage } }),
      ...(reconnect !== undefined && { reconnect }),
      ...(heartbeat !== undefined && { heartbeat }),
      // Paced for the server's frame limit: a long offline queue replays without a RATE_LIMITED.
      queue: { ...paceFor(FRAME_RATE_LIMIT), ...queue },
      // Long-polling where WebSocket is refused: over the platform's wx.request, so the test `wx` and WeChat's both work.
      ...(transports !== undefined && { transports, request: platform.pollingRequest }),
      ...(fallbackAfter !== undefined && { fallbackAfter }),
      ...(probeInterval !== undefined && { probeInterval }),
      ...(pollingUrl !== undefined && { pollingUrl }),
      ...(this.clock !== undefined && { clock: this.clock }),
    }
    const socket = new ChatSocket(options)
    this.chatSocket = socket
    this.unsubscribes.push(
      socket.on('state', ({ to }) => this.emitter.emit('state', to)),
      // A refused token (a TOKEN_REFUSED close, or GET /api/me answering 401 after failed
      // connects) is forgotten: the next connect logs in again (see `header`).
      watchToken({
        socket,
        refused: () => this.auth.refused(),
        onRefused: () => this.auth.invalidate(),
        once: false,
      }),
    )
    const session = new CustomerSession({
      socket,
      client: { historyPageSize: this.config.historyPageSize ?? 20 },
      cached: platform.getStorage(SESSION_STORAGE_KEY),
      ...(this.clock !== undefined && { clock: this.clock }),
    })
    this.customer = session
    const keep = (): void => {
      const snapshot = session.snapshot
      if (snapshot !== null) platform.setStorage(SESSION_STORAGE_KEY, snapshot)
    }
    this.unsubscribes.push(
      session.on('error', (err) => this.emitter.emit('error', err)),
      session.on('conversation', keep),
    )
    session.start().catch((err: unknown) => this.emitError(err))
    return session
  }

  /** My open conversation, created (and routed to an agent) when there is none. */
  open(): Promise<ConversationClient> {
    return this.start().open()
  }

  /** Uploads a local image file (`wx.chooseMedia`'s tempFilePath); resolves with what an image message carries. */
  async uploadImage(
    filePath: string,
    size: { width?: number; height?: number } = {},
    onProgress?: (percent: number) => void,
  ): Promise<ImageContent> {
    let res = await this.upload(filePath, onProgress)
    if (res.statusCode === 401) {
      this.auth.invalidate()
      res = await this.upload(filePath, onProgress)
    }
    let body: unknown
    try {
      body = JSON.parse(res.data)
    } catch {
      body = null
    }
    const url = typeof body === 'object' && body !== null ? (body as { url?: unknown }).url : undefined
    if ((res.statusCode !== 200 && res.statusCode !== 201) || typeof url !== 'string') {
      throw new UploadError(`upload failed: HTTP ${res.statusCode}`, res.statusCode)
    }
    const image: ImageContent = { url }
    if (typeof size.width === 'number' && size.width > 0) image.width = size.width
    if (typeof size.height === 'number' && size.height > 0) image.height = size.height
    return image
  }

  /** Where an image message's `url` can be loaded from: server paths made absolute; other schemes refused (''). */
  imageSrc(url: string): string {
    if (url.startsWith('/') && !url.startsWith('//')) return `${this.server}${url}`
    return /^https?:\/\//.test(url) ? url : ''
  }

  /** Closes the socket and removes every listener. The service cannot be started again. */
  dispose(): void {
    if (this.disposed) return
    this.disposed = true
    for (const unsubscribe of this.unsubscribes.splice(0)) unsubscribe()
    this.customer?.dispose()
    this.chatSocket?.close(1000, 'app closed')
    this.emitter.clear()
  }

  private upload(filePath: string, onProgress?: (percent: number) => void): Promise<{ statusCode: number; data: string }> {
    return this.auth.token().then((token) =>
      this.platform.uploadFile({
        url: `${this.server}/api/upload`,
        filePath,
        name: 'file',
        header: { Authorization: `Bearer ${token}` },
        ...(onProgress !== undefined && { onProgress }),
      }),
    )
  }

  /** Called by ChatSocket on every connect attempt. */
  private async header(): Promise<Record<string, string>> {
    try {
      return { Authorization: `Bearer ${await this.auth.token()}` }
    } catch (err) {
      this.emitError(err)
      throw err
    }
  }

  private emitError(err: unknown): void {
    this.emitter.emit('error', err instanceof Error ? err : new Error(String(err)))
  }
}
