export { startServer, openData, type RunningServer } from './server'
export {
  resolveOptions,
  optionsFromEnv,
  DEFAULTS,
  MAX_FRAME_BYTES,
  type ServerOptions,
  type ResolvedOptions,
  type FetchLike,
} from './config'
export { ChatError, ChatErrorCodes, type ChatErrorCode } from './errors'
export { NOTICES } from './conversations'
export type { ChatMessage, Conversation, ConversationStatus, User, Sender } from './types'
