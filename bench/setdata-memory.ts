/**
 * For bench/setdata.ts: an in-memory server for one conversation behind the `ChatSocketLike`
 * interface (answers session, open, history, sync, message, read), and a ChatPageService on
 * it, so the chat page's binding runs exactly as in the app without sockets or timers in
 * the measurement.
 */
import { CustomerSession, createEmitter } from '../miniprogram/lib/chat/index'
import type { ChatMessage, ChatSocketLike, Conversation, CustomerSession as Session, User } from '../miniprogram/lib/chat/index'
import type { ChatSocketEvents, Frame, SocketState } from '../miniprogram/lib/index'
import type { ChatPageService } from '../miniprogram/pages/chat/chat-controller'
import type { ChatServiceEvents } from '../miniprogram/services/chat-service'

export const CUSTOMER: User = { id: 'c_bench', role: 'customer', name: '顾客 bench' }
export const AGENT = { id: 'a_bench', role: 'agent' as const, name: '小美' }
const T0 = Date.UTC(2025, 10, 26, 6, 0, 0)

export class MemoryChatSocket implements ChatSocketLike {
  readonly state: SocketState = 'open'
  readonly messages: ChatMessage[] = []
  readonly conversation: Conversation = {
    id: 'conv_bench',
    status: 'open',
    customer: { id: CUSTOMER.id, name: CUSTOMER.name },
    agent: { id: AGENT.id, name: AGENT.name },
    createdAt: T0,
    lastSeq: 0,
    lastMessage: null,
    customerReadSeq: 0,
    agentReadSeq: 0,
  }
  private readonly emitter = createEmitter<ChatSocketEvents>()
  private ids = 0

  /** Stores `count` messages from the agent, one second apart. */
  seed(count: number): void {
    for (let i = 0; i < count; i++) this.store(this.agentMessage(`历史消息 ${i + 1}`))
  }

  on<K extends keyof ChatSocketEvents>(type: K, handler: (event: ChatSocketEvents[K]) => void): () => void {
    return this.emitter.on(type, handler)
  }

  /** The agent says something: stored and pushed, as the server does. */
  push(text: string): void {
    const message = this.store(this.agentMessage(text))
    this.emitter.emit('message', { type: 'message', message })
  }

  async send(msg: Frame): Promise<Frame> {
    const id = msg.id ?? `s-${++this.ids}`
    if (msg.type === 'message') {
      const stored = this.store({
        id,
        conversationId: this.conversation.id,
        seq: 0,
        ts: 0,
        from: { id: CUSTOMER.id, role: 'customer', name: CUSTOMER.name },
        kind: 'text',
        text: String(msg.text),
      })
      return { type: 'ack', id, conversationId: stored.conversationId, seq: stored.seq, ts: stored.ts }
    }
    return { type: 'ack', id }
  }

  async request(msg: Frame): Promise<unknown> {
    const limit = typeof msg.limit === 'number' ? msg.limit : 30
    switch (msg.type) {
      case 'session':
        return { user: CUSTOMER, conversations: [this.conversation] }
      case 'open':
        return { conversation: this.conversation }
      case 'history': {
        const before = typeof msg.beforeSeq === 'number' && msg.beforeSeq > 0 ? msg.beforeSeq : Infinity
        const older = this.messages.filter((m) => m.seq < before)
        return { messages: older.slice(-limit), hasMore: older.length > limit }
      }
      case 'sync': {
        const after = this.messages.filter((m) => m.seq > Number(msg.afterSeq))
        return { messages: after.slice(0, limit), hasMore: after.length > limit }
      }
      default:
        throw new Error(`MemoryChatSocket: no ${msg.type}`)
    }
  }

  private agentMessage(text: string): ChatMessage {
    return { id: `m-${++this.ids}`, conversationId: this.conversation.id, seq: 0, ts: 0, from: { ...AGENT }, kind: 'text', text }
  }

  private store(message: ChatMessage): ChatMessage {
    const seq = this.messages.length + 1
    const stored = { ...message, seq, ts: T0 + seq * 1000 }
    this.messages.push(stored)
    this.conversation.lastSeq = seq
    this.conversation.lastMessage = stored
    return stored
  }
}

/** A ChatPageService whose session runs on `socket`. */
export function memoryService(socket: MemoryChatSocket, historyPageSize: number): ChatPageService {
  const emitter = createEmitter<ChatServiceEvents>()
  let session: Session | null = null
  const config = { server: 'http://127.0.0.1:8080', historyPageSize }
  return {
    config,
    state: 'open',
    start() {
      if (session === null) {
        session = new CustomerSession({ socket, client: { historyPageSize } })
        void session.start()
      }
      return session
    },
    on: (type, handler) => emitter.on(type, handler),
    imageSrc: (url) => url,
    uploadImage: () => Promise.reject(new Error('no uploads in the benchmark')),
  }
}
