/**
 * Search results with the words found marked: text nodes and `<mark>` elements built one by
 * one, never markup (a message that says `<b>` shows `<b>`). Case-insensitive, every
 * occurrence of every term, overlaps merged.
 */
import { h } from './dom'

/** [start, end) ranges of `text` where a term occurs, sorted and merged. */
export function matchRanges(text: string, terms: readonly string[]): Array<[number, number]> {
  const lower = text.toLowerCase()
  const ranges: Array<[number, number]> = []
  for (const term of terms) {
    const t = term.toLowerCase()
    if (t === '') continue
    for (let at = lower.indexOf(t); at !== -1; at = lower.indexOf(t, at + t.length)) ranges.push([at, at + t.length])
  }
  ranges.sort((a, b) => a[0] - b[0])
  const merged: Array<[number, number]> = []
  for (const range of ranges) {
    const last = merged[merged.length - 1]
    if (last !== undefined && range[0] <= last[1]) last[1] = Math.max(last[1], range[1])
    else merged.push([range[0], range[1]])
  }
  return merged
}

/** `text` as nodes with each match in a `<mark>`; long texts are cut around the first match (`…` on the cut sides). */
export function highlighted(text: string, terms: readonly string[], around = 40): DocumentFragment {
  const ranges = matchRanges(text, terms)
  let from = 0
  let to = text.length
  const first = ranges[0]
  if (first !== undefined && text.length > around * 3) {
    from = Math.max(0, first[0] - around)
    to = Math.min(text.length, first[1] + around * 2)
  }
  const fragment = document.createDocumentFragment()
  if (from > 0) fragment.append('…')
  let cursor = from
  for (const [start, end] of ranges) {
    if (end <= from || start >= to) continue
    const s = Math.max(start, from)
    const e = Math.min(end, to)
    if (s > cursor) fragment.append(text.slice(cursor, s))
    fragment.append(h('mark', { class: 'hit' }, text.slice(s, e)))
    cursor = e
  }
  if (cursor < to) fragment.append(text.slice(cursor, to))
  if (to < text.length) fragment.append('…')
  return fragment
}
