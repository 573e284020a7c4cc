/**
 * `miniprogram-chat-socket/socket.io-server`: for a socket.io server whose clients include
 * `miniprogram-chat-socket/socket.io`. `io.of('/info').use(exactlyOnce())` makes their acked
 * emits exactly-once (repeats after a reconnect are answered with the first ack, not handled again).
 */
export { exactlyOnce, EXACTLY_ONCE_DEFAULTS } from './exactly-once'
export type {
  AnsweredKey,
  AnsweredStore,
  ExactlyOnceMiddleware,
  ExactlyOnceOptions,
  ExactlyOnceStats,
  ServerSocketLike,
} from './exactly-once'
