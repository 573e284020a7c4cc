/**
 * An agent's `session` reply comes in pages (docs/protocol.md, `session`): the first reply and,
 * while it says `hasMore`, one more request per page with its `cursor`. The pages are merged
 * into one reply, as the server sent before paging, so the desk applies it at once. A
 * conversation pushed while the later pages were on their way is newer than the page that
 * listed it: its pushed snapshot is filed instead (queued in `queue`, mine in `conversations`,
 * anyone else's nowhere).
 */
import { isObject } from './parse'
import type { ChatSocketLike } from './types'

/** Most pages one fetch asks for: a server that always answers `hasMore` cannot keep a desk asking. */
export const MAX_SESSION_PAGES = 1000

type Raw = Record<string, unknown>

const idOf = (value: unknown): string | null => (isObject(value) && typeof value.id === 'string' ? value.id : null)
const listOf = (value: unknown): unknown[] => (Array.isArray(value) ? value : [])

/** The conversations later pages list, by id, the later page winning. */
function byId(into: Map<string, unknown>, list: unknown): void {
  for (const item of listOf(list)) {
    const id = idOf(item)
    if (id !== null) into.set(id, item)
  }
}

/**
 * Asks for the pages after `first` and returns the merged reply. `userId` is whose desk it is
 * (to file a pushed snapshot). Rejects with a request's error, or when pages do not end.
 */
export async function fetchSessionPages(socket: ChatSocketLike, first: Raw, userId: string): Promise<Raw> {
  if (first.hasMore !== true) return first
  const pushed = new Map<string, Raw>()
  const off = socket.on('message', (frame) => {
    if (frame.type === 'conversation' && isObject(frame.conversation) && idOf(frame.conversation) !== null) {
      pushed.set(idOf(frame.conversation)!, frame.conversation)
    }
  })
  const mine = new Map<string, unknown>()
  const queue = new Map<string, unknown>()
  let page = first
  let last = first
  try {
    for (let n = 1; ; n++) {
      byId(mine, page.conversations)
      byId(queue, page.queue)
      last = page
      if (page.hasMore !== true) break
      if (typeof page.cursor !== 'string') throw new Error('session: a page with hasMore carries no cursor')
      if (n >= MAX_SESSION_PAGES) throw new Error(`session: more than ${MAX_SESSION_PAGES} pages`)
      const next = await socket.request({ type: 'session', cursor: page.cursor })
      if (!isObject(next)) throw new Error('session: a page is not an object')
      page = next
    }
  } finally {
    off()
  }
  for (const [id, conversation] of pushed) {
    mine.delete(id)
    queue.delete(id)
    if (conversation.status === 'queued') queue.set(id, conversation)
    else if ((conversation.status === 'assigned' || conversation.status === 'open') && idOf(conversation.agent) === userId) {
      mine.set(id, conversation)
    }
  }
  // The online agents and the user as the last page has them: the newest.
  return { ...last, conversations: [...mine.values()], queue: [...queue.values()], hasMore: false }
}
