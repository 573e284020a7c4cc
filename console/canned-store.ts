/**
 * The agent's canned replies (快捷回复), loaded once per session from the server and kept
 * current by this console's own changes: the team's list first, then mine, each by title.
 * `filter(q)` matches the title or the text, case-insensitively.
 */
import { createEmitter } from 'miniprogram-chat-socket/chat'
import type { CannedReply, CannedScope, DeskApi } from './desk-api'

export class CannedStore {
  private replies: CannedReply[] = []
  private loading: Promise<void> | null = null
  private readonly emitter = createEmitter<{ change: readonly CannedReply[] }>()

  constructor(private readonly api: DeskApi) {}

  on(type: 'change', fn: (replies: readonly CannedReply[]) => void): () => void {
    return this.emitter.on(type, fn)
  }

  get all(): readonly CannedReply[] {
    return this.replies
  }

  /** Loads the list the first time (again after a failure). */
  load(): Promise<void> {
    this.loading ??= this.api.cannedReplies().then(
      (replies) => this.set(replies),
      (err: unknown) => {
        this.loading = null
        throw err
      },
    )
    return this.loading
  }

  filter(query: string): CannedReply[] {
    const q = query.trim().toLowerCase()
    if (q === '') return this.replies.slice()
    return this.replies.filter((r) => r.title.toLowerCase().includes(q) || r.text.toLowerCase().includes(q))
  }

  async add(reply: { title: string; text: string; scope: CannedScope }): Promise<CannedReply> {
    const saved = await this.api.addCanned(reply)
    this.set([...this.replies.filter((r) => r.id !== saved.id), saved])
    return saved
  }

  async remove(id: string): Promise<void> {
    await this.api.deleteCanned(id)
    this.set(this.replies.filter((r) => r.id !== id))
  }

  private set(replies: CannedReply[]): void {
    this.replies = replies
      .slice()
      .sort((a, b) => (a.scope === b.scope ? a.title.localeCompare(b.title, 'zh-CN') : a.scope === 'team' ? -1 : 1))
    this.emitter.emit('change', this.replies)
  }
}
