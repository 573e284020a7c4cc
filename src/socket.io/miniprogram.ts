/**
 * The mini-program build of `miniprogram-chat-socket/socket.io` (miniprogram_dist/socket.io/index.js):
 * its own file, so the core bundle does not grow, and without the browser and Node adapters.
 */
export { io } from './io'
export { Socket } from './socket'
export type { ConnectError, DisconnectReason, NamespaceState, TimedEmitter } from './socket'
export { Manager } from './manager'
export type { LinkCloseReason, ManagerEvents, ManagerState } from './manager'
export type { AuthOption, IoOptions, ManagerOptions, SocketOptions } from './options'
export { IO_DEFAULTS } from './options'
export { SocketError, ErrorCodes } from '../errors'
export type { ErrorCode } from '../errors'
export { createMiniProgramConnectSocket } from '../adapters/mini-program'
export type { ConnectSocket, ConnectSocketOptions, SocketTaskLike, ReconnectOptions, QueueOptions, LifecycleHost, Clock } from '../types'
