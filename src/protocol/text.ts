/**
 * How the protocol measures text (docs/protocol.md, Messages): in characters, which are
 * Unicode code points, so an emoji counts once however many UTF-16 units it takes. The server
 * refuses a longer text with TOO_LONG; clients count the same way before they send.
 */

/** The reference server's default limit (its `textMaxLength` option). */
export const TEXT_MAX_LENGTH = 2000

/** `text`'s length in code points ('👍' is 1, where `'👍'.length` is 2). */
export function textLength(text: string): number {
  let n = 0
  for (const _ of text) n++
  return n
}
