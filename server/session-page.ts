/**
 * Paging of an agent's `session` reply (issue 9, defect 7: 300 conversations made a 131 KB
 * reply). The agent's conversations come first, then the queue, each in the store's order
 * (oldest first); a page holds at most `limit` of them, and its cursor names the last one
 * (section, created_at, id). The next page starts after that conversation, or, when it has
 * left its list meanwhile, at the first one created at or after it: a conversation may then
 * appear on two pages (clients merge by id), but none that stayed put is skipped.
 */
import { ChatError } from './errors'
import type { ConversationRow } from './store/store'

type Section = 'mine' | 'queue'

export interface SessionPage {
  mine: ConversationRow[]
  queue: ConversationRow[]
  /** Set when more conversations follow this page. */
  cursor?: string
}

const SECTIONS: Record<Section, string> = { mine: 'm', queue: 'q' }
const CURSOR = /^([mq])\.(\d{1,16})\.(.+)$/

interface Cursor {
  section: Section
  createdAt: number
  id: string
}

function parseCursor(cursor: string): Cursor {
  const match = CURSOR.exec(cursor)
  if (match === null) throw new ChatError('BAD_REQUEST', '"cursor" must be a cursor from an earlier session reply')
  return { section: match[1] === 'm' ? 'mine' : 'queue', createdAt: Number(match[2]), id: match[3]! }
}

/** Where a list continues after `at`: past its conversation, or at the first created at or after it. */
function startOf(rows: readonly ConversationRow[], at: Cursor): number {
  const index = rows.findIndex((row) => row.id === at.id)
  if (index >= 0) return index + 1
  const next = rows.findIndex((row) => row.created_at >= at.createdAt)
  return next < 0 ? rows.length : next
}

/** The page of `mine` then `queue` that `cursor` (absent: the first page) asks for. */
export function sessionPage(
  mine: readonly ConversationRow[],
  queue: readonly ConversationRow[],
  page: { limit: number; cursor?: string | undefined },
): SessionPage {
  const at = page.cursor === undefined ? null : parseCursor(page.cursor)
  const mineFrom = at === null ? 0 : at.section === 'mine' ? startOf(mine, at) : mine.length
  const queueFrom = at === null || at.section === 'mine' ? 0 : startOf(queue, at)
  const mineRows = mine.slice(mineFrom, mineFrom + page.limit)
  const queueRows = queue.slice(queueFrom, queueFrom + page.limit - mineRows.length)
  const more = mineFrom + mineRows.length < mine.length || queueFrom + queueRows.length < queue.length
  if (!more) return { mine: mineRows, queue: queueRows }
  const [section, last] =
    queueRows.length > 0 ? (['queue', queueRows[queueRows.length - 1]!] as const) : (['mine', mineRows[mineRows.length - 1]!] as const)
  return { mine: mineRows, queue: queueRows, cursor: `${SECTIONS[section]}.${last.created_at}.${last.id}` }
}
