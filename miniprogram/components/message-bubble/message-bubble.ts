/**
 * One message: a left (theirs) or right (mine) bubble with avatar and name, an image or
 * text, and for my messages the status (发送中 / 已发送 / 已读 / 发送失败). System notices
 * render as a centred line. Events: `resend` {id} when 发送失败 is tapped, `preview` {src}
 * when an image is tapped.
 */
import type { MessageView } from '../../pages/chat/message-view'

Component({
  properties: {
    /** A `MessageView` (pages/chat/message-view.ts). */
    message: { type: Object, value: {} },
  },
  methods: {
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
