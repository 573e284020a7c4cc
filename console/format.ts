/** Small display helpers: list and message times, avatar faces. */

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

/** `14:05`: a message's time of day. */
export function clockTime(ts: number): string {
  const date = new Date(ts)
  return `${pad(date.getHours())}:${pad(date.getMinutes())}`
}

/** `2025年1月2日 14:05:09`: a message's full time, for its tooltip. */
export function fullTime(ts: number): string {
  const d = new Date(ts)
  return `${d.getFullYear()}年${d.getMonth() + 1}月${d.getDate()}日 ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`
}

/** The name the server gives a customer it knows nothing about: 顾客 and the end of the id (`顾客 ad50`). */
const DEFAULT_CUSTOMER_NAME = /^顾客\s*[0-9a-z]{1,8}$/i
const CJK = /\p{Script=Han}/u

/**
 * What an avatar shows for a name: an identicon for names that say nothing (empty, or the
 * server's default 顾客 ad50, whose last character would be a meaningless "0"), else a
 * readable initial: the last two Han characters (the given name: 张小美 → 小美, 小美 → 小美),
 * or the first letters of up to two words (John Smith → JS, demo → D).
 */
export function avatarFace(name: string): { kind: 'identicon' } | { kind: 'initial'; text: string } {
  const trimmed = name.trim()
  if (trimmed === '' || DEFAULT_CUSTOMER_NAME.test(trimmed)) return { kind: 'identicon' }
  const chars = Array.from(trimmed.replace(/\s+/g, ' '))
  if (chars.some((c) => CJK.test(c))) {
    const han = chars.filter((c) => CJK.test(c))
    return { kind: 'initial', text: han.slice(-2).join('') }
  }
  const words = trimmed.split(/\s+/).filter((w) => w !== '')
  const letters = words.slice(0, 2).map((w) => Array.from(w)[0] ?? '')
  return { kind: 'initial', text: letters.join('').toUpperCase() }
}

/**
 * A 5×5 mirrored identicon for an id (GitHub's scheme): 15 bits of an FNV-1a hash choose the
 * cells of the left three columns, mirrored to the right. Returns the cells that are on, as
 * [column, row], and the bits as a string (two ids, two patterns).
 */
export function identicon(id: string): { cells: Array<[number, number]>; pattern: string } {
  let hash = 0x811c9dc5
  for (let i = 0; i < id.length; i++) {
    hash ^= id.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193) >>> 0
  }
  const cells: Array<[number, number]> = []
  let pattern = ''
  for (let column = 0; column < 3; column++) {
    for (let row = 0; row < 5; row++) {
      const on = ((hash >>> (column * 5 + row)) & 1) === 1
      pattern += on ? '1' : '0'
      if (!on) continue
      cells.push([column, row])
      if (column < 2) cells.push([4 - column, row])
    }
  }
  // An empty picture tells nobody apart: light the centre column then.
  if (cells.length === 0) for (let row = 0; row < 5; row++) cells.push([2, row])
  return { cells, pattern }
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
