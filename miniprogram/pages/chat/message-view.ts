/**
 * What the chat page renders for one message, and the translation of a `setDataPatch`
 * payload (paths into the client's `ListMessage` array) into the same paths over views.
 * Plain functions: the page, the tests and the benchmark share them.
 */
import { formatTimeLabel, shouldShowTime } from '../../lib/chat/index'
import type { ListMessage, MessageKind, MessageStatus, Role } from '../../lib/chat/index'

export interface MessageView {
  id: string
  /** The element id `scroll-into-view` targets: made from the message id, so paging never moves it (`anchorOf`). */
  anchor: string
  kind: MessageKind
  /** Written by me: right-hand bubble with a status. */
  mine: boolean
  role: Role
  name: string
  /** Avatar image URL; '' shows the `initial` badge instead. */
  avatar: string
  /** First character of the name, for the badge. */
  initial: string
  /** Text and system messages. */
  text?: string
  /** Image messages: where to load the image from ('' when its URL was refused). */
  image?: string
  /** My messages: 'sending' | 'sent' | 'read' | 'failed'; null for everyone else's. */
  status: MessageStatus | null
  /** The time separator shown above this message, '' for none (gaps under 5 minutes). */
  time: string
  /** Taken back by its sender: shown as a centred line, `text` says who (你撤回了一条消息 / 对方撤回了一条消息). */
  recalled: boolean
  /** An image still uploading (a placeholder, `image` the local file): 0–100. */
  progress?: number
}

export interface ViewContext {
  /** Clock for the time labels (今天 / 昨天 / date). */
  now: number
  /** Turns a message's image or avatar URL into a loadable one ('' refuses it). */
  imageSrc(url: string): string
}

/**
 * A message's element id: 'm' and the message id, each character outside [A-Za-z0-9-]
 * (`_` included) written as `_<hex>_`, so two ids never share an anchor and the result is a
 * valid element id (it starts with a letter).
 */
export function anchorOf(id: string): string {
  return `m${id.replace(/[^A-Za-z0-9-]/g, (c) => `_${c.codePointAt(0)?.toString(16) ?? ''}_`)}`
}

export function timeLabelAt(messages: readonly ListMessage[], index: number, now: number): string {
  const message = messages[index]
  return message !== undefined && shouldShowTime(messages, index) ? formatTimeLabel(message.ts, now) : ''
}

export function toView(messages: readonly ListMessage[], index: number, context: ViewContext): MessageView {
  const message = messages[index]
  if (message === undefined) throw new RangeError(`toView: no message at index ${index} of ${messages.length}`)
  const name = message.from.name
  const view: MessageView = {
    id: message.id,
    anchor: anchorOf(message.id),
    kind: message.kind,
    mine: message.mine,
    role: message.from.role,
    name,
    avatar: message.from.avatar === undefined ? '' : context.imageSrc(message.from.avatar),
    initial: Array.from(name)[0] ?? '?',
    status: message.status,
    time: timeLabelAt(messages, index, context.now),
    recalled: message.recalled === true,
  }
  if (message.recalled === true) view.text = message.mine ? '你撤回了一条消息' : '对方撤回了一条消息'
  else if (message.kind === 'image') view.image = message.image === undefined ? '' : context.imageSrc(message.image.url)
  else view.text = message.text ?? ''
  return view
}

export function toViews(messages: readonly ListMessage[], context: ViewContext): MessageView[] {
  return messages.map((_, index) => toView(messages, index, context))
}

/**
 * `patch`: `setDataPatch(changes, messages, key)`. Whole items become views; `status`
 * paths stay; a changed `ts` becomes the `time` labels of that message and the next; `seq`
 * is not shown and is dropped. Other keys pass through.
 */
export function toViewPatch(
  patch: Record<string, unknown>,
  messages: readonly ListMessage[],
  context: ViewContext,
  key = 'messages',
): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  const path = new RegExp(`^${escape(key)}\\[(\\d+)\\](?:\\.(\\w+))?$`)
  const relabel = new Set<number>()
  for (const name of Object.keys(patch)) {
    if (name === key) {
      out[key] = toViews(messages, context)
      continue
    }
    const match = path.exec(name)
    if (match === null) {
      out[name] = patch[name]
      continue
    }
    const index = Number(match[1])
    const field = match[2]
    if (field === undefined) out[name] = toView(messages, index, context)
    else if (field === 'status') out[name] = patch[name]
    else if (field === 'ts') relabel.add(index).add(index + 1)
  }
  if (key in out) return out
  relabel.forEach((index) => {
    if (index < messages.length && !(`${key}[${index}]` in out)) out[`${key}[${index}].time`] = timeLabelAt(messages, index, context.now)
  })
  return out
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
