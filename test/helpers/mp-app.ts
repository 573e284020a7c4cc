/**
 * The customer's mini-program app in a simulation test: the test `wx` (wx-env.ts) installed
 * over simulate's `wx`, and the app-wide ChatService (miniprogram/services) registered with
 * `App()` so pages find it through `getApp()`, exactly as app.ts does on a phone.
 */
import type { AppConfig } from '../../miniprogram/config'
import type { Clock } from '../../src/clock'
import { KillableClock } from './killable-clock'
import { ChatService, wxPlatform } from '../../miniprogram/services/index'
import type { ChatAppOption } from '../../miniprogram/services/index'
import type { MessageView } from '../../miniprogram/pages/chat/message-view'
import type { ChatServer } from './chat-server'
import { find, tap } from './mp-page'
import type { OpenPage } from './mp-page'
import { waitFor } from './wait-for'
import { createWxEnv } from './wx-env'
import type { WxEnv } from './wx-env'

/** Reconnect fast, so a restart costs the test milliseconds. */
export const FAST_RECONNECT = { minDelay: 20, maxDelay: 200, minUptime: 100 }

export interface CustomerApp {
  env: WxEnv
  service: ChatService
  /** Closes the socket (the app shutting down cleanly) and removes temp files. */
  dispose(): void
  /**
   * WeChat kills the app: no close(), no onUnload. Every timer of the app is dropped and its
   * sockets are cut; the storage stays (see `nextLaunch`). Only for apps started with a
   * KillableClock (the default).
   */
  kill(): void
}

/**
 * Installs `env` (a fresh one by default: a new customer) as `wx` and registers an app on
 * `server`. Its socket and session run on `clock` (a KillableClock by default, so `kill()` works).
 */
export function startCustomerApp(
  server: ChatServer,
  config: Partial<AppConfig> = {},
  env: WxEnv = createWxEnv(),
  clock: Clock = new KillableClock(),
): CustomerApp {
  Object.assign(wx, env.api)
  const service = new ChatService({
    platform: wxPlatform(wx),
    config: { server: server.url, reconnect: FAST_RECONNECT, ...config },
    clock,
  })
  App<ChatAppOption>({ chat: service })
  return {
    env,
    service,
    dispose: () => {
      service.dispose()
    },
    kill: () => {
      if (!(clock instanceof KillableClock)) throw new Error('kill(): the app was started with a clock that cannot be killed')
      clock.kill()
      for (const task of env.sockets.tasks) task.ws.terminate()
    },
  }
}

/** The phone after the app was killed: a new `wx` with the same storage (token, outbox, session), as the next launch sees it. */
export function nextLaunch(env: WxEnv): WxEnv {
  const next = createWxEnv()
  next.loginPrefix = env.loginPrefix
  for (const [key, value] of env.storage) next.storage.set(key, value)
  return next
}

/** Waits until the chat page shows the customer's conversation, loaded; returns its id. */
export async function conversationOnPage(page: OpenPage, customer: CustomerApp): Promise<string> {
  await waitFor(() => page.instance.data.ready === true && page.instance.data.loaded === true, 'the conversation on the page')
  const conversationId = customer.service.session?.client?.id
  if (conversationId === undefined) throw new Error('no conversation client')
  return conversationId
}

export function messagesOf(page: OpenPage): MessageView[] {
  // The page keeps its list in blocks (miniprogram/pages/chat/message-blocks.ts): flattened in order.
  const { blocks, order } = page.instance.data as { blocks: Record<string, MessageView[]>; order: string[] }
  return order.flatMap((id) => blocks[id] ?? [])
}

/** Types `text` into the chat page's input bar and taps 发送. */
export function typeAndSend(page: OpenPage, text: string): void {
  const input = find(page.comp, '#input')
  find(input, '.field').dispatchEvent('input', { detail: { value: text } })
  // The tap is dispatched after the input event (both go out on microtasks, in order).
  tap(find(input, '.send'))
}

/** The rendered text of the connection banner ('' when hidden). */
export function bannerText(page: OpenPage): string {
  return find(page.comp, '#banner').dom?.textContent?.trim() ?? ''
}
