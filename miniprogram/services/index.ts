/** How pages reach the app-wide chat service: `chatService()` inside `onLoad`. */
import type { ChatService } from './chat-service'

/** The custom fields of this mini-program's `App()`. */
export interface ChatAppOption {
  /** The one chat connection of the app (created in app.ts). */
  chat: ChatService
}

export function chatService(): ChatService {
  return getApp<ChatAppOption>().chat
}

export { ChatService, UploadError, OUTBOX_STORAGE_KEY, SESSION_STORAGE_KEY } from './chat-service'
export type { ChatServiceEvents, ChatServiceOptions } from './chat-service'
export { Auth, LoginError, AUTH_STORAGE_KEY, DEVICE_CODE_KEY } from './auth'
export { wxPlatform, WxError } from './platform'
export type { Platform, HttpResponse } from './platform'
