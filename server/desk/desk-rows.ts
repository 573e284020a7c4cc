/** The desk's rows and how they become its shapes: one mapping for the SQLite and the PostgreSQL desk store. */
import type { CannedReply, Note } from './desk-store'

export interface CannedRow {
  id: string
  owner_id: string | null
  title: string
  text: string
  updated_at: number
}

export interface NoteRow {
  id: string
  conversation_id: string
  author_id: string
  author_name: string
  text: string
  created_at: number
}

export interface PastRow {
  id: string
  updated_at: number
  message_count: number
}

export function toCanned(row: CannedRow): CannedReply {
  return { id: row.id, scope: row.owner_id === null ? 'team' : 'personal', title: row.title, text: row.text, updatedAt: row.updated_at }
}

export function toNote(row: NoteRow): Note {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    author: { id: row.author_id, name: row.author_name },
    text: row.text,
    createdAt: row.created_at,
  }
}
