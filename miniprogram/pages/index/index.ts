/**
 * Entry page: 联系客服 and the status of my current conversation. Subscribes to the
 * app-wide chat service on load and unsubscribes on unload.
 */
import { previewText } from '../../lib/chat/index'
import type { Conversation, CustomerSession } from '../../lib/chat/index'
import type { SocketState } from '../../lib/index'
import { chatService } from '../../services/index'
import { statusText } from '../../utils/status-text'

type Data = {
  connection: SocketState
  status: string
  /** Whether a conversation is in progress (not closed). */
  active: boolean
  agent: string
  preview: string
}

type Methods = {
  onContact(): void
  render(session: CustomerSession, conversation: Conversation | null): void
}

type Private = {
  unsubscribes: Array<() => void>
}

Component<Data, Record<never, never>, Methods, [], Private, true>({
  data: {
    connection: 'idle',
    status: statusText('none', null),
    active: false,
    agent: '',
    preview: '',
  },
  methods: {
    onLoad() {
      const service = chatService()
      const session = service.start()
      this.unsubscribes = [
        service.on('state', (connection) => this.setData({ connection })),
        session.on('conversation', ({ conversation }) => this.render(session, conversation)),
      ]
      this.setData({ connection: service.state })
      this.render(session, session.conversation)
    },
    onUnload() {
      for (const unsubscribe of (this.unsubscribes ?? []).splice(0)) unsubscribe()
    },
    onContact() {
      void wx.navigateTo({ url: '/pages/chat/chat' })
    },
    render(session, conversation) {
      const active = conversation !== null && conversation.status !== 'closed'
      this.setData({
        status: statusText(session.status, conversation),
        active,
        agent: conversation?.agent?.name ?? '',
        preview: active ? previewText(conversation.lastMessage) : '',
      })
    },
  },
})
