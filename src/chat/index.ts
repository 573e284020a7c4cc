/** The chat logic shared by the mini-program pages and the agent console. No DOM, no `wx`, no Node. */
export type {
  AgentPresence,
  ChatMessage,
  ChatSocketLike,
  Conversation,
  ConversationEvent,
  ConversationStatus,
  ImageContent,
  MessageKind,
  Rating,
  Role,
  Sender,
  User,
} from './types'
export { MessageList } from './message-list'
export type {
  ListChange,
  ListMessage,
  MessageListEvents,
  MessageListOptions,
  MessagePatch,
  MessageStatus,
  PendingMessage,
} from './message-list'
export { ConversationClient, MAX_TEXT_LENGTH, peerRole } from './conversation-client'
export { textLength, RECALL_WINDOW_MS, RATING_COMMENT_MAX_LENGTH, FRAME_RATE_LIMIT, paceFor } from '../protocol'
export type { ConversationClientEvents, ConversationClientOptions, ConversationClientState } from './conversation-client'
export { CustomerSession } from './customer-session'
export type { CachedSession, ClientSettings, CustomerSessionEvents, CustomerSessionOptions, CustomerStatus } from './customer-session'
export { AgentDesk } from './agent-desk'
export type { AgentDeskEvents, AgentDeskOptions, DeskConversation } from './agent-desk'
export { TIME_LABEL_GAP, formatTimeLabel, shouldShowTime } from './time-label'
export { previewText } from './preview'
export { firstShiftedIndex, setDataPatch } from './set-data-patch'
export { createLocalIdGenerator } from './local-id'
export { watchToken, ASK_AFTER_FAILURES } from './token-watch'
export type { TokenWatchOptions } from './token-watch'
export { systemClock } from '../clock'
export type { Clock } from '../clock'
export { createEmitter } from '../emitter'
export type { Emitter } from '../emitter'
