/**
 * Unsent replies, one per conversation, kept in `sessionStorage` (per agent) until they are
 * sent: switching conversations and reloading the tab lose nothing. Logout forgets them.
 */
import { createEmitter } from 'miniprogram-chat-socket/chat'

const PREFIX = 'agent-console.draft.'

export class Drafts {
  private readonly emitter = createEmitter<{ change: string }>()
  private readonly prefix: string

  constructor(
    private readonly storage: Storage,
    agentId: string,
  ) {
    this.prefix = `${PREFIX}${agentId}.`
  }

  /** The draft of `conversationId`, or ''. */
  get(conversationId: string): string {
    try {
      return this.storage.getItem(this.prefix + conversationId) ?? ''
    } catch {
      return ''
    }
  }

  /** Keeps `text` as the draft (blank text removes it). */
  set(conversationId: string, text: string): void {
    const key = this.prefix + conversationId
    const had = this.get(conversationId)
    try {
      if (text.trim() === '') this.storage.removeItem(key)
      else this.storage.setItem(key, text)
    } catch {
      // Storage full or unavailable: the draft lives as long as the composer then.
    }
    if (had !== this.get(conversationId)) this.emitter.emit('change', conversationId)
  }

  /** Called with the conversation id whenever a draft appears, changes or goes. */
  on(type: 'change', fn: (conversationId: string) => void): () => void {
    return this.emitter.on(type, fn)
  }

  /** Forgets every draft of this agent (logout). */
  clear(): void {
    try {
      const keys: string[] = []
      for (let i = 0; i < this.storage.length; i++) {
        const key = this.storage.key(i)
        if (key?.startsWith(this.prefix)) keys.push(key)
      }
      for (const key of keys) this.storage.removeItem(key)
    } catch {
      // Nothing kept either.
    }
  }
}
