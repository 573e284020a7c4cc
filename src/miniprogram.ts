/**
 * The mini-program entry (package.json "miniprogram" field → miniprogram_dist/index.js):
 * what a mini-program needs, without the browser and Node adapters.
 */
export { ChatSocket } from './chat-socket'
export { SocketError, ErrorCodes } from './errors'
export type { ErrorCode, SocketErrorDetails } from './errors'
export { createMiniProgramConnectSocket } from './adapters/mini-program'
export type { MiniProgramApi } from './adapters/mini-program'
export { createAlipayConnectSocket } from './adapters/alipay'
export type { AlipayApi } from './adapters/alipay'
export { detectPlatform, PLATFORM_GLOBALS } from './platform'
export type { Platform, PlatformName } from './platform'
export { CloseCodes, ServerErrorCodes } from './protocol'
export type * from './protocol'
export type { TransportName } from './transports'
export type { RequestFn, RequestOptions, RequestTaskLike } from './transports/polling-request'
export type { PollingUrl } from './transports/polling'
export type * from './types'
