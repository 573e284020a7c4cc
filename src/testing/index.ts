/**
 * `miniprogram-chat-socket/testing`: what this repository's own tests run on, for yours. Node
 * only (jest, ts-jest, miniprogram-simulate); not part of the mini-program bundle.
 * `ws` (startMockServer, createWxSocketOverWs) and `miniprogram-simulate` (openPage,
 * renderComponent) are loaded only when used.
 */
export { createFakeConnectSocket, FakeSocketTask } from './fake-connect-socket'
export type { FakeConnectSocket } from './fake-connect-socket'
export { createWxSocketOverWs } from './wx-socket-over-ws'
export type { WsClientLike, WsClientConstructor, WxSocketOverWs, WxTask } from './wx-socket-over-ws'
export { startMockServer, MockServer, MOCK_SERVER_DEFAULTS } from './mock-server'
export type { MockServerOptions, MockAnswer, MockConnection, ReceivedFrame } from './mock-server'
export { createWxEnv } from './wx-env'
export type { WxEnv, WxApi, WxEnvControls, WxEnvOptions, WxCallbacks, ChosenMedia, NetworkType } from './wx-env'
export { openPage, renderComponent, loadComponent, tap, find, attr, events, settle } from './page'
export type { OpenPage, OpenPageOptions, PageInstance, RenderedComponent, SimComponent, RootComponent, LoadOptions } from './page'
export { waitFor } from './wait-for'
export { httpRequest } from './http'
export type { HttpResult } from './http'
