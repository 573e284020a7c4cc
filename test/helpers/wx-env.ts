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
  /**
   * `wx.uploadFile` as WeChat's: it returns an UploadTask whose `onProgressUpdate` listeners
   * hear 50% while the request is in flight and 100% before `success`. While `uploadFails`
   * is set, uploads fail (`uploadFile:fail`) without reaching the server.
   */
  uploadFails: boolean
}

export function createWxEnv(): WxEnv {
  const sockets = createWxSocketShim()
  const env = createKitEnv({ connectSocket: sockets })
  const clipboard: string[] = []
  const upload = env.uploadFile.bind(env)
  // Read at each call: the test sets `uploadFails` on the env it holds.
  const controls = {
    get uploadFails() {
      return (env as { uploadFails?: boolean }).uploadFails === true
    },
  }
  type UploadOptions = Parameters<typeof upload>[0]
  type Progress = (res: { progress: number; totalBytesSent: number; totalBytesExpectedToSend: number }) => void
  const uploadFile = (o: UploadOptions) => {
    const listeners: Progress[] = []
    const tell = (progress: number) => listeners.forEach((fn) => fn({ progress, totalBytesSent: progress, totalBytesExpectedToSend: 100 }))
    if (controls.uploadFails) {
      setImmediate(() => o.fail?.({ errMsg: 'uploadFile:fail network down (test)' }))
      return { abort: () => undefined, onProgressUpdate: (fn: Progress) => void listeners.push(fn) }
    }
    const task = upload({
      ...o,
      success: (res) => {
        tell(100)
        o.success?.(res)
      },
    })
    setImmediate(() => tell(50))
    return { ...task, onProgressUpdate: (fn: Progress) => void listeners.push(fn) }
  }
  return Object.assign(env, {
    uploadFile,
    uploadFails: false,
    api: env,
    sockets,
    clipboard,
    setClipboardData: (o: { data: string }) => void clipboard.push(o.data),
    hideApp: () => env.emitAppHide(),
    showApp: () => env.emitAppShow(),
    setOnline: (online: boolean) => env.setNetwork(online ? 'wifi' : 'none'),
  })
}
