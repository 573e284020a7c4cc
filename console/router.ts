/**
 * The console's address: one URL per place, in the hash (the server serves one page), so a
 * reload and the browser's back/forward keep the agent where they were.
 *   #/               the desk, nothing open
 *   #/c/<id>         the desk, conversation <id> open
 *   #/history        历史会话 (with ?q=<words> a search, with &c=<id> a conversation shown)
 */
export type Route = { view: 'desk'; id: string | null } | { view: 'history'; q: string; id: string | null }

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '')
  const [pathname = '', search = ''] = path.split('?', 2)
  const conversation = /^\/c\/([^/]+)$/.exec(pathname)
  if (conversation?.[1] !== undefined) return { view: 'desk', id: safeDecode(conversation[1]) }
  if (pathname === '/history') {
    const params = new URLSearchParams(search)
    return { view: 'history', q: params.get('q') ?? '', id: params.get('c') }
  }
  return { view: 'desk', id: null }
}

export function formatRoute(route: Route): string {
  if (route.view === 'desk') return route.id === null ? '#/' : `#/c/${encodeURIComponent(route.id)}`
  const params = new URLSearchParams()
  if (route.q !== '') params.set('q', route.q)
  if (route.id !== null) params.set('c', route.id)
  const search = params.toString()
  return `#/history${search === '' ? '' : `?${search}`}`
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value)
  } catch {
    return value
  }
}

/** Follows the hash: `go` adds a history entry (back returns), `replace` does not; `change` fires on back/forward and `go`. */
export class Router {
  private readonly onHash = (): void => this.change(this.current)

  constructor(
    private readonly win: Window,
    private readonly change: (route: Route) => void,
  ) {
    win.addEventListener('hashchange', this.onHash)
  }

  get current(): Route {
    return parseRoute(this.win.location.hash)
  }

  go(route: Route): void {
    const hash = formatRoute(route)
    if (this.win.location.hash === hash || (hash === '#/' && this.win.location.hash === '')) return
    this.win.location.hash = hash
  }

  replace(route: Route): void {
    this.win.history.replaceState(null, '', formatRoute(route))
  }

  dispose(): void {
    this.win.removeEventListener('hashchange', this.onHash)
  }
}
