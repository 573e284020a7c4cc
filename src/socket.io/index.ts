/**
 * `miniprogram-chat-socket/socket.io`: a Socket.IO v4 client (Engine.IO 4 + Socket.IO 5) over
 * `wx.connectSocket`, with socket.io-client's API, on the library's link machinery.
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
export { createNodeConnectSocket } from '../adapters/node'
export { createWebConnectSocket } from '../adapters/web'
export type { ConnectSocket, ConnectSocketOptions, SocketTaskLike, ReconnectOptions, QueueOptions, LifecycleHost, Clock } from '../types'
