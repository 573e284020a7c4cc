/**
 * One message: a left (theirs, with the sender's name) or right (mine, no name: WeChat never
 * labels your own side) bubble with avatar, an image or text, and for my messages the status
 * (发送中 / 已发送 / 已读 / 发送失败). System notices and recalled messages render as a
 * centred line. A long press asks for the menu (`menu` event); the page answers with the
 * `menu` property ('copy' | 'recall' | 'both'), shown above the bubble over a mask that closes it.
 * Events: `resend` {id} when 发送失败 is tapped, `preview` {src} when an image is tapped,
 * `menu` {id} on a long press, `copy` {id}, `recall` {id}, `closemenu`.
 */
import type { MessageView } from '../../pages/chat/message-view'

Component({
  properties: {
    /** A `MessageView` (pages/chat/message-view.ts). */
    message: { type: Object, value: {} },
    /** The long-press menu for this message: '' (closed), 'copy', 'recall' or 'both'. */
    menu: { type: String, value: '' },
  },
  methods: {
    onLongPress() {
      const { id } = this.data.message as Partial<MessageView>
      if (typeof id === 'string') this.triggerEvent('menu', { id })
    },
    onCopy() {
      const { id } = this.data.message as Partial<MessageView>
      if (typeof id === 'string') this.triggerEvent('copy', { id })
    },
    onRecall() {
      const { id } = this.data.message as Partial<MessageView>
      if (typeof id === 'string') this.triggerEvent('recall', { id })
    },
    onCloseMenu() {
      this.triggerEvent('closemenu', {})
    },
    onStatusTap() {
      const message = this.data.message as Partial<MessageView>
      if (message.status === 'failed' && typeof message.id === 'string') this.triggerEvent('resend', { id: message.id })
    },
    onImageTap() {
      const { image } = this.data.message as Partial<MessageView>
      if (typeof image === 'string' && image !== '') this.triggerEvent('preview', { src: image })
    },
  },
})
