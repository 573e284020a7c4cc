// One concern: the message list the page shows. Plain data, so setData can send it.
export type Delivery = '发送中' | '已送达' | '发送失败'

export interface MessageItem {
  key: string
  text: string
  mine: boolean
  delivery?: Delivery
}

let next = 0

export function mine(text: string): MessageItem {
  return { key: `m${++next}`, text, mine: true, delivery: '发送中' }
}

export function theirs(text: string): MessageItem {
  return { key: `m${++next}`, text, mine: false }
}

/** The list with the item `key` marked `delivery`. */
export function delivered(list: MessageItem[], key: string, delivery: Delivery): MessageItem[] {
  return list.map((m) => (m.key === key ? { ...m, delivery } : m))
}
