/**
 * The chat layer's shapes, as they travel on the wire (see docs/protocol.md). One
 * definition, shared with the clients in src/protocol/.
 */
import type { ImageContent, User } from '../src/protocol'

export type {
  AgentPresence,
  ChatMessage,
  Conversation,
  ConversationEvent,
  ConversationStatus,
  MessageKind,
  Rating,
  Role,
  Sender,
  User,
} from '../src/protocol'

export type UserRole = User['role']
export type ImageRef = ImageContent

/** Any frame the server sends. */
export interface OutFrame {
  type: string
  [key: string]: unknown
}
