/**
 * The testing kit's `wx` (src/testing/wx-env.ts) on the WeChat-faithful socket over `ws`, with
 * the names this suite's simulation tests use (`api`: what `Object.assign(wx, env.api)` installs;
 * `sockets`: the tasks; hideApp/showApp/setOnline).
 */
import { createWxEnv as createKitEnv, type WxEnv as KitEnv } from '../../src/testing'
import { createWxSocketShim, type WxSocketShim } from './wx-socket'

export type { ChosenMedia } from '../../src/testing'

export interface WxEnv extends KitEnv<WxSocketShim> {
  /** The env itself: the `wx` calls (and the test's controls, which do no harm on `wx`). */
  readonly api: KitEnv<WxSocketShim>
  /** Every socket task the app opened. */
  readonly sockets: WxSocketShim
  hideApp(): void
  showApp(): void
  setOnline(online: boolean): void
  /** What `wx.setClipboardData` was given, in order. */
  readonly clipboard: string[]
}

export function createWxEnv(): WxEnv {
  const sockets = createWxSocketShim()
  const env = createKitEnv({ connectSocket: sockets })
  const clipboard: string[] = []
  return Object.assign(env, {
    api: env,
    sockets,
    clipboard,
    setClipboardData: (o: { data: string }) => void clipboard.push(o.data),
    hideApp: () => env.emitAppHide(),
    showApp: () => env.emitAppShow(),
    setOnline: (online: boolean) => env.setNetwork(online ? 'wifi' : 'none'),
  })
}
