/** Small display helpers: list times and avatar initials. */

function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n)
}

/** Time for a conversation list: `14:05` today, `昨天`, `11/3` this year, `2024/11/3` before. */
export function listTime(ts: number, now: number): string {
  const date = new Date(ts)
  const today = new Date(now)
  const dayStart = (d: Date): number => new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime()
  const diffDays = Math.round((dayStart(today) - dayStart(date)) / 86_400_000)
  if (diffDays <= 0) return `${pad(date.getHours())}:${pad(date.getMinutes())}`
  if (diffDays === 1) return '昨天'
  if (date.getFullYear() === today.getFullYear()) return `${date.getMonth() + 1}/${date.getDate()}`
  return `${date.getFullYear()}/${date.getMonth() + 1}/${date.getDate()}`
}

/** The last character of a name ('顾客 ab12' → '2', '小美' → '美'), as Chinese apps show it. */
export function initial(name: string): string {
  const chars = Array.from(name.trim())
  return chars[chars.length - 1]?.toUpperCase() ?? '?'
}

const AVATAR_HUES = [211, 162, 27, 262, 340, 190, 45, 120]

/** A stable hue for an id, so a customer keeps one avatar color. */
export function avatarHue(id: string): number {
  let hash = 0
  for (let i = 0; i < id.length; i++) hash = (hash * 31 + id.charCodeAt(i)) | 0
  const hue = AVATAR_HUES[Math.abs(hash) % AVATAR_HUES.length]
  if (hue === undefined) throw new Error(`avatarHue: no hue for ${id}`) // unreachable: the index is taken modulo the length
  return hue
}

/** Unread count as a badge shows it. */
export function badge(count: number): string {
  return count > 99 ? '99+' : String(count)
}
