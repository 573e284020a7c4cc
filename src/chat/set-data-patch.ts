/**
 * Turns a batch of list changes into one mini-program `setData` payload that touches only
 * the paths that changed: appending one message sets `messages[n]`, a status change sets
 * `messages[i].status`. Insertions in the middle rewrite from that index on; a prepend or a
 * reset rewrites the whole list.
 */
import type { ListChange, ListMessage } from './message-list'

/**
 * The first index at which `change` may leave a different message than before: everything from
 * an insert's index on moves one place, a move disturbs the range between its two ends, a prepend
 * or a reset every index. `Infinity` for an append or an update, which keep every message in its
 * place. Shared with the chat page's `MessageBlocks` (miniprogram/pages/chat/message-blocks.ts).
 */
export function firstShiftedIndex(change: ListChange): number {
  switch (change.type) {
    case 'insert':
      return change.index
    case 'move':
      return Math.min(change.from, change.to)
    case 'prepend':
    case 'reset':
      return 0
    default:
      return Infinity
  }
}

/**
 * `changes`: everything the list emitted since the last flush, in order. `messages`: the
 * list now (`client.messages`). `key`: the data field holding the array.
 */
export function setDataPatch(changes: readonly ListChange[], messages: readonly ListMessage[], key = 'messages'): Record<string, unknown> {
  const items = new Map<number, ListMessage>()
  const fields = new Map<number, Record<string, unknown>>()
  let dirtyFrom = Infinity
  for (const change of changes) {
    switch (change.type) {
      case 'append':
        change.messages.forEach((message, j) => {
          items.set(change.index + j, message)
          fields.delete(change.index + j)
        })
        break
      case 'update':
        // A recall changes the content: the whole item, not a field.
        if (items.has(change.index) || change.patch.recalled === true) {
          items.set(change.index, change.message)
          fields.delete(change.index)
        } else fields.set(change.index, { ...fields.get(change.index), ...change.patch })
        break
      case 'insert':
      case 'move':
      case 'prepend':
      case 'reset':
        dirtyFrom = Math.min(dirtyFrom, firstShiftedIndex(change))
        break
    }
  }
  if (dirtyFrom === 0) return { [key]: messages.slice() }
  const out: Record<string, unknown> = {}
  // Paths below dirtyFrom were never shifted by a later change, so their indexes still hold.
  fields.forEach((patch, index) => {
    if (index >= dirtyFrom) return
    for (const name of Object.keys(patch)) out[`${key}[${index}].${name}`] = patch[name]
  })
  items.forEach((message, index) => {
    if (index < dirtyFrom) out[`${key}[${index}]`] = message
  })
  for (let i = dirtyFrom; i < messages.length; i++) out[`${key}[${i}]`] = messages[i]
  return out
}
