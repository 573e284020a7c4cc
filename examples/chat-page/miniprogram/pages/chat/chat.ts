// The chat page, written with Page(). It connects in onLoad, shows the socket's state and the
// messages, sends what the user types, and closes the socket in onUnload.
import type { ChatSocket, Frame } from 'miniprogram-chat-socket'
import type { ExampleApp } from '../../app'
import { connectChat } from '../../chat/connect'
import { delivered, mine, theirs, type MessageItem } from '../../chat/messages'
import { statusText } from '../../chat/status-text'

interface Data {
  status: string
  messages: MessageItem[]
  draft: string
}

interface Custom {
  socket: ChatSocket | null
  onInput(e: WechatMiniprogram.Input): void
  onSend(): void
}

Page<Data, Custom>({
  data: { status: statusText('idle'), messages: [], draft: '' },
  socket: null,

  onLoad() {
    const socket = connectChat(getApp<ExampleApp>().globalData.serverUrl)
    this.socket = socket
    socket.on('state', ({ to }) => this.setData({ status: statusText(to) }))
    socket.on('message', (frame: Frame) => {
      if (frame.type === 'message' && typeof frame.text === 'string') {
        this.setData({ messages: [...this.data.messages, theirs(frame.text)] })
      }
    })
  },

  onUnload() {
    this.socket?.close()
    this.socket = null
  },

  onInput(e) {
    this.setData({ draft: e.detail.value })
  },

  onSend() {
    const text = this.data.draft.trim()
    if (!text || !this.socket) return
    const item = mine(text)
    this.setData({ draft: '', messages: [...this.data.messages, item] })
    // Queued while the link is down; resolves with the server's ack (resent with the same id after a reconnect).
    this.socket.send({ type: 'message', text }).then(
      () => this.setData({ messages: delivered(this.data.messages, item.key, '已送达') }),
      () => this.setData({ messages: delivered(this.data.messages, item.key, '发送失败') }),
    )
  },
})
