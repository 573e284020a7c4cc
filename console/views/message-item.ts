/**
 * One message as an element. Text goes in as a text node (`white-space: pre-wrap` keeps its
 * newlines); images only from the server's upload path, sized before they load so the
 * list does not jump. `updateMessageItem` patches what can change for the same id (status).
 */
import type { ListMessage } from 'miniprogram-chat-socket/chat'
import { h, isUploadUrl, setText } from '../dom'
import { clockTime, fullTime } from '../format'
import { MESSAGE_STATUS_LABEL } from '../strings'
import { agentNoticeText } from '../notice-text'
import { avatar } from './avatar'

export interface MessageActions {
  openImage(url: string): void
  resend(id: string): void
}

/** Largest thumbnail box, px. */
const THUMB_W = 240
const THUMB_H = 240

export function messageItem(message: ListMessage, actions: MessageActions): HTMLElement {
  if (message.recalled === true) {
    // A recall (docs/protocol.md "Recall and rating"): a centred line in its place, as WeChat shows it.
    const who = message.mine ? '你' : message.from.role === 'customer' ? '顾客' : message.from.name
    return h(
      'div',
      { class: 'msg msg-system msg-recalled', data: { id: message.id, seq: message.seq ?? undefined } },
      h('span', { class: 'msg-system-text' }, `${who}撤回了一条消息`),
      messageTime(message.ts),
    )
  }
  if (message.kind === 'system') {
    return h(
      'div',
      { class: 'msg msg-system', data: { id: message.id, seq: message.seq ?? undefined, notice: message.notice?.code } },
      // The agent's wording of what happened; the customer's (the stored text) in the tooltip.
      h(
        'span',
        { class: 'msg-system-text', attrs: { title: message.text ? `顾客看到：${message.text}` : undefined } },
        agentNoticeText(message),
      ),
      messageTime(message.ts),
    )
  }
  // Sides are roles, not "me or not": every agent's message is on the agent side, whoever wrote it
  // (after a transfer the previous agent's replies stay there), with the agent's name.
  const side = message.from.role === 'agent' ? 'agent' : 'customer'
  const who = message.mine ? 'mine' : side === 'agent' ? 'colleague' : 'theirs'
  const el = h(
    'div',
    { class: `msg msg-${who}`, data: { id: message.id, seq: message.seq ?? undefined, kind: message.kind, side } },
    side === 'customer' ? avatar(message.from.id, message.from.name, 'sm') : null,
    h(
      'div',
      { class: 'msg-body' },
      h('div', { class: 'msg-name' }, message.from.name),
      h(
        'div',
        { class: 'msg-line' },
        message.kind === 'image' ? imageBubble(message, actions) : h('div', { class: 'bubble bubble-text' }, message.text ?? ''),
        messageTime(message.ts),
      ),
      message.mine ? statusLine(message, actions) : null,
    ),
  )
  updateMessageItem(el, message)
  return el
}

/** The message's time, shown on hover (`14:05`), the full date and time in its tooltip. */
function messageTime(ts: number): HTMLElement {
  const el = h('time', { class: 'msg-time' })
  setMessageTime(el, ts)
  return el
}

function setMessageTime(el: HTMLElement, ts: number): void {
  const iso = new Date(ts).toISOString()
  if (el.getAttribute('datetime') === iso) return
  el.setAttribute('datetime', iso)
  el.setAttribute('title', fullTime(ts))
  setText(el, clockTime(ts))
}

/** Applies a new value of the same message (status, seq). */
export function updateMessageItem(el: HTMLElement, message: ListMessage): void {
  if (message.seq !== null) el.dataset.seq = String(message.seq)
  // My message's time turns from the local send time into the server's when it is acked.
  const time = el.querySelector<HTMLElement>('.msg-time')
  if (time !== null) setMessageTime(time, message.ts)
  if (!message.mine || message.status === null) return
  el.dataset.status = message.status
  const status = el.querySelector<HTMLElement>('.msg-status')
  if (status !== null) {
    setText(status, MESSAGE_STATUS_LABEL[message.status])
    status.dataset.status = message.status
    if (message.status === 'failed') status.setAttribute('role', 'button')
    else status.removeAttribute('role')
  }
}

/** "未读 / 已读 / 发送中 / 发送失败" under my message; a failed one resends on click. */
function statusLine(message: ListMessage, actions: MessageActions): HTMLElement {
  const status = h('div', { class: 'msg-status' })
  // Reads the status from the element, which `updateMessageItem` keeps current.
  status.addEventListener('click', () => {
    if (status.dataset.status === 'failed') actions.resend(message.id)
  })
  return status
}

function imageBubble(message: ListMessage, actions: MessageActions): HTMLElement {
  const image = message.image
  if (image === undefined || !isUploadUrl(image.url)) return h('div', { class: 'bubble bubble-text bubble-muted' }, '[图片无法显示]')
  const url = image.url
  const img = h('img', { class: 'msg-img', attrs: { src: url, alt: '图片', loading: 'lazy', decoding: 'async' } })
  if (image.width !== undefined && image.height !== undefined && image.width > 0 && image.height > 0) {
    const scale = Math.min(1, THUMB_W / image.width, THUMB_H / image.height)
    img.width = Math.round(image.width * scale)
    img.height = Math.round(image.height * scale)
  }
  return h(
    'button',
    { class: 'bubble bubble-image', attrs: { type: 'button', title: '查看原图' }, on: { click: () => actions.openImage(url) } },
    img,
  )
}
