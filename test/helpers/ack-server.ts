/**
 * The testing kit's mock server (src/testing/mock-server.ts) with this suite's request
 * conventions: `{type:'echo'}` is answered with a reply carrying it back, `{type:'fail'}` with a
 * reply error (code NOPE), `{type:'silent'}` with nothing. Other frames: acked, deduplicated.
 */
import { startMockServer, type MockAnswer, type MockServer, type ReceivedFrame } from '../../src/testing'

export type AckServer = MockServer
export type StoredFrame = ReceivedFrame

const answer: MockAnswer = (frame) => {
  if (frame.type === 'silent') return null
  if (frame.type === 'echo') return { type: 'reply', id: frame.id, data: frame }
  if (frame.type === 'fail') return { type: 'reply', id: frame.id, error: { code: 'NOPE', message: 'refused' } }
  return undefined
}

export const AckServer = {
  start: (): Promise<MockServer> => startMockServer({ answer }),
}
