export { WebSocketTransport } from './websocket'
export type { WebSocketPassThrough } from './websocket'
export type { Link, LinkEvents, LinkTarget, Transport, TransportName } from './transport'
