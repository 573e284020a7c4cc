/**
 * The service desk's HTTP calls (docs/protocol.md §4), with the agent's token: canned replies,
 * notes, history, search, customers, transcripts and my status. Replies are read defensively
 * (a server is another program); failures are ApiErrors with the server's code.
 */
import type {
  AgentStatus,
  CannedReply,
  CannedScope,
  CustomerProfile,
  DeviceInfo,
  Note,
  PastConversation,
  Rating,
  SearchHit,
  Transcript,
} from 'miniprogram-chat-socket'

// The desk's shapes live in src/protocol (desk.ts), shared with the server; re-exported for the console's views.
export type { CannedReply, CannedScope, CustomerProfile, DeviceInfo, Note, PastConversation, Rating, Transcript }
import { ApiError, type FetchFn } from './api'

export interface SearchResult {
  terms: string[]
  hits: SearchHit[]
}

export class DeskApi {
  constructor(
    private readonly fetchFn: FetchFn,
    private readonly token: string,
  ) {}

  async cannedReplies(): Promise<CannedReply[]> {
    return list<CannedReply>((await this.call('GET', '/api/desk/canned')).replies)
  }

  async addCanned(reply: { title: string; text: string; scope: CannedScope }): Promise<CannedReply> {
    return (await this.call('POST', '/api/desk/canned', reply)).reply as CannedReply
  }

  async updateCanned(id: string, change: { title: string; text: string }): Promise<CannedReply> {
    return (await this.call('PUT', `/api/desk/canned/${encodeURIComponent(id)}`, change)).reply as CannedReply
  }

  async deleteCanned(id: string): Promise<void> {
    await this.call('DELETE', `/api/desk/canned/${encodeURIComponent(id)}`)
  }

  async notes(conversationId: string): Promise<Note[]> {
    return list<Note>((await this.call('GET', `/api/desk/conversations/${encodeURIComponent(conversationId)}/notes`)).notes)
  }

  async addNote(conversationId: string, text: string): Promise<Note> {
    return (await this.call('POST', `/api/desk/conversations/${encodeURIComponent(conversationId)}/notes`, { text })).note as Note
  }

  async history(before?: number): Promise<{ items: PastConversation[]; hasMore: boolean }> {
    const body = await this.call('GET', `/api/desk/history${before === undefined ? '' : `?before=${before}`}`)
    return { items: list<PastConversation>(body.items), hasMore: body.hasMore === true }
  }

  async search(q: string): Promise<SearchResult> {
    const body = await this.call('GET', `/api/desk/search?q=${encodeURIComponent(q)}`)
    return { terms: list<string>(body.terms), hits: list<SearchResult['hits'][number]>(body.hits) }
  }

  async customer(customerId: string): Promise<CustomerProfile> {
    return (await this.call('GET', `/api/desk/customers/${encodeURIComponent(customerId)}`)) as unknown as CustomerProfile
  }

  async transcript(conversationId: string): Promise<Transcript> {
    return (await this.call('GET', `/api/desk/conversations/${encodeURIComponent(conversationId)}`)) as unknown as Transcript
  }

  async status(): Promise<AgentStatus> {
    return (await this.call('GET', '/api/desk/status')).status as AgentStatus
  }

  async setStatus(status: AgentStatus): Promise<AgentStatus> {
    return (await this.call('PUT', '/api/desk/status', { status })).status as AgentStatus
  }

  private async call(method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}` }
    if (body !== undefined) headers['content-type'] = 'application/json'
    let res: Response
    try {
      res = await this.fetchFn(path, { method, headers, cache: 'no-store', ...(body !== undefined ? { body: JSON.stringify(body) } : {}) })
    } catch (err) {
      throw new ApiError('NETWORK', err instanceof Error ? err.message : String(err), 0)
    }
    if (res.status === 204) return {}
    let data: unknown = null
    try {
      data = await res.json()
    } catch {
      // judged by the status
    }
    if (!res.ok) {
      const error = (data as { error?: { code?: unknown; message?: unknown } } | null)?.error
      const code = typeof error?.code === 'string' ? error.code : 'INTERNAL'
      throw new ApiError(code, typeof error?.message === 'string' ? error.message : `HTTP ${res.status}`, res.status)
    }
    if (typeof data !== 'object' || data === null) throw new ApiError('BAD_RESPONSE', `${method} ${path}: no JSON object`, res.status)
    return data as Record<string, unknown>
  }
}

function list<T>(value: unknown): T[] {
  return Array.isArray(value) ? (value as T[]) : []
}
