/** One-line preview of a message for conversation lists: `[图片]` for images, text on one line, cut at `maxLength` characters. */
export function previewText(message: { kind: string; text?: string; recalled?: boolean } | null, maxLength = 30): string {
  if (message === null) return ''
  if (message.recalled === true) return '[消息已撤回]'
  if (message.kind === 'image') return '[图片]'
  const text = (message.text ?? '').replace(/\s+/g, ' ').trim()
  const chars = Array.from(text) // by code point, so an emoji is never cut in half
  return chars.length > maxLength ? `${chars.slice(0, maxLength).join('')}…` : text
}
