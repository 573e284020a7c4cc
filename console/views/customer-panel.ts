/**
 * The customer panel beside the conversation: who the customer is (name, first seen, how
 * many conversations, the device the mini-program reported), internal notes on this
 * conversation, and the past conversations, each openable read-only.
 */
import type { Conversation } from 'miniprogram-chat-socket/chat'
import type { CustomerProfile, DeskApi, DeviceInfo, PastConversation } from '../desk-api'
import { clear, h, type View } from '../dom'
import { fullTime, listTime } from '../format'
import { STATUS_LABEL, errorText } from '../strings'
import { avatar } from './avatar'
import { openModal, type Modal } from './modal'
import { NotesView } from './notes-view'
import { ratingView, transcriptView } from './transcript-view'

export function deviceText(device: DeviceInfo | null): string {
  if (device === null) return '未上报'
  const parts = [
    [device.brand, device.model].filter(Boolean).join(' '),
    device.system ?? device.platform,
    device.version ? `微信 ${device.version}` : '',
    device.SDKVersion ? `基础库 ${device.SDKVersion}` : '',
  ].filter((p) => p !== undefined && p !== '')
  return parts.length > 0 ? parts.join(' · ') : '未上报'
}

/** Opens a past conversation read-only in a modal. */
export function openTranscript(api: DeskApi, conversationId: string, me: string | undefined): Modal {
  const body = h('div', { class: 'transcript-holder' }, h('p', { class: 'panel-muted' }, '加载中…'))
  const modal = openModal({
    title: '会话记录（只读）',
    class: 'modal-transcript',
    body: [body],
    actions: [h('button', { class: 'btn btn-ghost', attrs: { type: 'button' }, on: { click: () => modal.close() } }, '关闭')],
  })
  api.transcript(conversationId).then(
    (t) => {
      clear(body)
      body.append(transcriptView(t, me))
    },
    (err: unknown) => {
      clear(body)
      body.append(h('p', { class: 'panel-muted' }, errorText(err, '会话记录加载失败')))
    },
  )
  return modal
}

export class CustomerPanel implements View {
  readonly el: HTMLElement
  private current: { conversationId: string; notes: NotesView } | null = null
  private readonly modals = new Set<Modal>()
  private generation = 0

  constructor(
    private readonly api: DeskApi,
    private readonly me: () => string | undefined,
  ) {
    this.el = h('aside', { class: 'customer-panel', attrs: { 'aria-label': '顾客信息' } })
    this.el.hidden = true
  }

  show(conversation: Conversation | null): void {
    if (conversation?.id === this.current?.conversationId) return
    this.current?.notes.dispose()
    this.current = null
    clear(this.el)
    const generation = ++this.generation
    if (conversation === null) {
      this.el.hidden = true
      delete this.el.dataset.customer
      return
    }
    this.el.hidden = false
    this.el.dataset.customer = conversation.customer.id
    const notes = new NotesView(this.api, conversation.id)
    this.current = { conversationId: conversation.id, notes }
    const facts = h('div', { class: 'panel-section customer-facts' }, h('p', { class: 'panel-muted' }, '加载中…'))
    const past = h('div', { class: 'panel-section customer-past' })
    const name = conversation.customer.name || '顾客'
    this.el.append(
      h(
        'header',
        { class: 'panel-head' },
        avatar(conversation.customer.id, name),
        h('div', {}, h('h3', { class: 'panel-name' }, name), h('div', { class: 'panel-id' }, conversation.customer.id)),
      ),
      facts,
      notes.el,
      past,
    )
    this.api.customer(conversation.customer.id).then(
      (profile) => generation === this.generation && this.renderProfile(profile, conversation.id, facts, past),
      (err: unknown) => {
        if (generation !== this.generation) return
        clear(facts)
        facts.append(h('p', { class: 'panel-muted' }, errorText(err, '顾客信息加载失败')))
      },
    )
  }

  dispose(): void {
    this.current?.notes.dispose()
    this.modals.forEach((m) => m.close())
  }

  private renderProfile(profile: CustomerProfile, currentId: string, facts: HTMLElement, past: HTMLElement): void {
    const others = profile.conversations.filter((p) => p.conversation.id !== currentId)
    clear(facts)
    facts.append(
      h(
        'dl',
        { class: 'facts' },
        h('dt', {}, '首次访问'),
        h('dd', { data: { fact: 'first-seen' } }, fullTime(profile.firstSeen)),
        h('dt', {}, '历史会话'),
        h('dd', { data: { fact: 'past-count' } }, `${others.length} 次`),
        h('dt', {}, '设备'),
        h('dd', { data: { fact: 'device' } }, deviceText(profile.device)),
      ),
    )
    clear(past)
    past.append(h('h4', { class: 'panel-title' }, '历史会话'))
    if (others.length === 0) {
      past.append(h('p', { class: 'panel-muted' }, '这是顾客的第一次咨询'))
      return
    }
    const list = h('ul', { class: 'past-list' })
    for (const item of others) list.append(this.pastItem(item))
    past.append(list)
  }

  private pastItem(item: PastConversation): HTMLElement {
    const { conversation } = item
    const preview = conversation.lastChatMessage?.text ?? (conversation.lastChatMessage ? '[图片]' : '（无消息）')
    return h(
      'li',
      {},
      h(
        'button',
        {
          class: 'past-item',
          attrs: { type: 'button', title: '查看会话记录' },
          data: { id: conversation.id },
          on: {
            click: () => {
              const modal = openTranscript(this.api, conversation.id, this.me())
              this.modals.add(modal)
              modal.el.addEventListener('close', () => this.modals.delete(modal))
            },
          },
        },
        h(
          'span',
          { class: 'past-row' },
          h('span', { class: 'past-date' }, listTime(item.updatedAt, Date.now())),
          h('span', { class: `tag tag-${conversation.status}` }, STATUS_LABEL[conversation.status]),
          h('span', { class: 'past-count' }, `${item.messageCount} 条`),
          ratingView(item.rating),
        ),
        h('span', { class: 'past-preview' }, preview),
      ),
    )
  }
}
