/** The emoji panel's grid: common emoji as WeChat's own panel opens with, one code-point sequence each. */
export const EMOJI = [
  '😀',
  '😁',
  '😂',
  '🤣',
  '😊',
  '😍',
  '😘',
  '😎',
  '🤔',
  '😅',
  '😭',
  '😡',
  '😳',
  '😱',
  '😴',
  '🙄',
  '😉',
  '😋',
  '😜',
  '🤗',
  '😇',
  '😢',
  '😤',
  '🙂',
  '👍',
  '👎',
  '👏',
  '🙏',
  '💪',
  '🤝',
  '👌',
  '✌️',
  '❤️',
  '💔',
  '🎉',
  '🌹',
  '🔥',
  '💯',
  '☕',
  '🎁',
]

/**
 * `text` with `emoji` put at UTF-16 index `cursor` (what an input's `cursor` counts), and the
 * cursor after it. A cursor past the end or negative puts it at the end.
 */
export function insertAt(text: string, cursor: number, emoji: string): { text: string; cursor: number } {
  const at = Number.isInteger(cursor) && cursor >= 0 && cursor <= text.length ? cursor : text.length
  return { text: text.slice(0, at) + emoji + text.slice(at), cursor: at + emoji.length }
}

/** `text` without the last character before `cursor` (a whole emoji, variation selector included). */
export function deleteBefore(text: string, cursor: number): { text: string; cursor: number } {
  const at = Number.isInteger(cursor) && cursor >= 0 && cursor <= text.length ? cursor : text.length
  const before = Array.from(text.slice(0, at))
  let drop = before.length > 0 ? 1 : 0
  // ❤️ is U+2764 U+FE0F: the selector goes with its character.
  if (before[before.length - 1] === '\uFE0F' && before.length > 1) drop = 2
  const kept = before.slice(0, before.length - drop).join('')
  return { text: kept + text.slice(at), cursor: kept.length }
}
