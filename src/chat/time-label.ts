/**
 * Time separators in a message list: whether message `index` gets a label, and the label
 * in Chinese. Local time of the device; `now` is injected so tests and views agree.
 */

/** A label goes before a message written this long (ms) or more after the previous one. */
export const TIME_LABEL_GAP = 5 * 60 * 1000

/** True for the first message and for each one `gap` ms or more after the one before it. */
export function shouldShowTime(messages: ReadonlyArray<{ ts: number }>, index: number, gap: number = TIME_LABEL_GAP): boolean {
  if (index <= 0) return index === 0 && messages.length > 0
  const current = messages[index]
  const previous = messages[index - 1]
  if (current === undefined || previous === undefined) return false
  return current.ts - previous.ts >= gap
}

/** `今天 14:05`, `昨天 09:30`, `11月3日 08:00`, or `2024年11月3日 08:00` for another year. */
export function formatTimeLabel(ts: number, now: number): string {
  const date = new Date(ts)
  const today = new Date(now)
  const clock = `${pad(date.getHours())}:${pad(date.getMinutes())}`
  const day = startOfDay(date)
  const todayStart = startOfDay(today)
  if (day === todayStart) return `今天 ${clock}`
  const yesterday = new Date(today.getFullYear(), today.getMonth(), today.getDate() - 1).getTime()
  if (day === yesterday) return `昨天 ${clock}`
  const monthDay = `${date.getMonth() + 1}月${date.getDate()}日`
  if (date.getFullYear() === today.getFullYear()) return `${monthDay} ${clock}`
  return `${date.getFullYear()}年${monthDay} ${clock}`
}

function startOfDay(date: Date): number {
  return new Date(date.getFullYear(), date.getMonth(), date.getDate()).getTime()
}

function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n)
}
