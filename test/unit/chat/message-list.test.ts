import { MessageList } from '../../../src/chat'
import type { ListChange, ListMessage, PendingMessage } from '../../../src/chat'
import { agent, customer, message, messages, sender, T0 } from '../../helpers/chat-fixtures'

function setup(peerReadSeq = 0): { list: MessageList; changes: ListChange[] } {
  const list = new MessageList({ myId: customer.id, peerReadSeq })
  const changes: ListChange[] = []
  list.on('change', (change) => changes.push(change))
  return { list, changes }
}

function pending(id: string, text = id): PendingMessage {
  return { id, conversationId: 'conv_1', ts: T0, from: sender(customer), kind: 'text', text }
}

const seqs = (list: MessageList): Array<number | null> => list.messages.map((m) => m.seq)
const ids = (items: readonly ListMessage[]): string[] => items.map((m) => m.id)

describe('MessageList', () => {
  describe('constructor', () => {
    it('sets defaults: empty, no seqs, peer read seq 0', () => {
      const list = new MessageList({ myId: 'me' })
      expect(list.messages).toEqual([])
      expect(list.length).toBe(0)
      expect(list.oldestSeq).toBeNull()
      expect(list.newestSeq).toBeNull()
      expect(list.contiguousSeq).toBe(0)
      expect(list.peerReadSeq).toBe(0)
    })

    it('throws a TypeError without myId', () => {
      expect(() => new MessageList({} as { myId: string })).toThrow(TypeError)
    })
  })

  describe('merge', () => {
    it('keeps messages in ascending seq whatever order they arrive in', () => {
      const { list } = setup()
      list.merge([message(3), message(1)])
      list.merge([message(2), message(5), message(4)])
      expect(seqs(list)).toEqual([1, 2, 3, 4, 5])
    })

    it('shows a message that arrives twice (push, then sync, then history) once', () => {
      const { list, changes } = setup()
      list.merge([message(1)])
      changes.length = 0
      expect(list.merge([message(1), message(2)])).toHaveLength(1)
      list.merge(messages(1, 2))
      expect(seqs(list)).toEqual([1, 2])
      expect(changes).toEqual([{ type: 'append', index: 1, messages: [expect.objectContaining({ seq: 2 })] }])
    })

    it('treats a different id with a seq already held as the same message', () => {
      const { list } = setup()
      list.merge([message(1)])
      list.merge([message(1, agent, { id: 'other' })])
      expect(ids(list.messages)).toEqual(['m-1'])
    })

    it('marks my messages as mine with status sent, or read up to the peer read seq', () => {
      const { list } = setup(2)
      list.merge([message(1, customer), message(2, agent), message(3, customer)])
      expect(list.messages.map((m) => [m.mine, m.status])).toEqual([
        [true, 'read'],
        [false, null],
        [true, 'sent'],
      ])
    })

    it('returns only the messages it added', () => {
      const { list } = setup()
      list.merge([message(1)])
      expect(ids(list.merge(messages(1, 3)))).toEqual(['m-2', 'm-3'])
    })
  })

  describe('change notifications', () => {
    it('announces one new message at the end as an append at the old length', () => {
      const { list, changes } = setup()
      list.merge(messages(1, 10))
      changes.length = 0
      list.merge([message(11)])
      expect(changes).toEqual([{ type: 'append', index: 10, messages: [list.messages[10]] }])
    })

    it('announces a burst of new messages as one append', () => {
      const { list, changes } = setup()
      list.merge(messages(1, 2))
      changes.length = 0
      list.merge(messages(3, 7))
      expect(changes).toHaveLength(1)
      expect(changes[0]).toMatchObject({ type: 'append', index: 2 })
      const change = changes[0]!
      expect(change.type === 'append' && change.messages.length).toBe(5)
    })

    it('announces an older history page as a prepend with its count', () => {
      const { list, changes } = setup()
      list.merge(messages(31, 60))
      changes.length = 0
      list.merge(messages(1, 30))
      expect(changes).toEqual([{ type: 'prepend', count: 30, messages: list.messages.slice(0, 30) }])
    })

    it('announces messages that fill a gap as an insert at their index', () => {
      const { list, changes } = setup()
      list.merge([message(1), message(2), message(5)])
      changes.length = 0
      list.merge([message(3), message(4)])
      expect(changes).toEqual([{ type: 'insert', index: 2, messages: list.messages.slice(2, 4) }])
    })

    it('inserts incoming messages before my unacked ones', () => {
      const { list, changes } = setup()
      list.merge([message(1)])
      list.addPending(pending('p1'))
      changes.length = 0
      list.merge([message(2), message(3)])
      expect(ids(list.messages)).toEqual(['m-1', 'm-2', 'm-3', 'p1'])
      expect(changes).toEqual([{ type: 'insert', index: 1, messages: list.messages.slice(1, 3) }])
    })

    it('splits non-adjacent additions into separate changes with indexes valid in order', () => {
      const { list, changes } = setup()
      list.merge([message(2), message(4)])
      changes.length = 0
      list.merge([message(1), message(3), message(5)])
      expect(changes.map((c) => c.type)).toEqual(['prepend', 'insert', 'append'])
      expect(changes[1]).toMatchObject({ type: 'insert', index: 2 })
      expect(changes[2]).toMatchObject({ type: 'append', index: 4 })
    })

    it('emits nothing when nothing changed', () => {
      const { list, changes } = setup()
      list.merge(messages(1, 3))
      changes.length = 0
      list.merge(messages(1, 3))
      list.setPeerReadSeq(0)
      expect(changes).toEqual([])
    })

    it('announces reset', () => {
      const { list, changes } = setup()
      list.merge(messages(1, 3))
      list.reset()
      expect(list.messages).toEqual([])
      expect(changes[changes.length - 1]).toEqual({ type: 'reset', messages: [] })
    })
  })

  describe('addPending', () => {
    it("appends my message after all seq'd ones as sending, in send order", () => {
      const { list, changes } = setup()
      list.merge(messages(1, 2))
      list.addPending(pending('p1'))
      list.addPending(pending('p2'))
      expect(list.messages.map((m) => [m.id, m.seq, m.status, m.mine])).toEqual([
        ['m-1', 1, null, false],
        ['m-2', 2, null, false],
        ['p1', null, 'sending', true],
        ['p2', null, 'sending', true],
      ])
      expect(changes.slice(-2)).toEqual([
        { type: 'append', index: 2, messages: [list.messages[2]] },
        { type: 'append', index: 3, messages: [list.messages[3]] },
      ])
    })

    it('throws a RangeError for an id already held', () => {
      const { list } = setup()
      list.addPending(pending('p1'))
      expect(() => list.addPending(pending('p1'))).toThrow(RangeError)
    })
  })

  describe('ack', () => {
    it('gives my message its seq and ts and marks it sent, as an update in place', () => {
      const { list, changes } = setup()
      list.merge(messages(1, 2))
      list.addPending(pending('p1'))
      changes.length = 0
      list.ack('p1', 3, T0 + 999)
      expect(list.messages[2]).toMatchObject({ id: 'p1', seq: 3, ts: T0 + 999, status: 'sent' })
      expect(changes).toEqual([{ type: 'update', index: 2, message: list.messages[2], patch: { seq: 3, ts: T0 + 999, status: 'sent' } }])
    })

    it('moves my acked message before unacked ones sent earlier', () => {
      const { list, changes } = setup()
      list.addPending(pending('p1'))
      list.addPending(pending('p2'))
      changes.length = 0
      list.ack('p2', 1, T0)
      expect(ids(list.messages)).toEqual(['p2', 'p1'])
      expect(list.messages.map((m) => m.status)).toEqual(['sent', 'sending'])
      expect(changes).toEqual([{ type: 'move', from: 1, to: 0, message: list.messages[0] }])
    })

    it('places my acked message by its seq among messages that arrived meanwhile', () => {
      const { list } = setup()
      list.merge([message(1)])
      list.addPending(pending('p1'))
      list.merge([message(3)])
      list.ack('p1', 2, T0)
      expect(ids(list.messages)).toEqual(['m-1', 'p1', 'm-3'])
    })

    it('acks my unacked message when the server sends it back (sync after a lost ack)', () => {
      const { list, changes } = setup()
      list.addPending(pending('p1'))
      changes.length = 0
      const added = list.merge([message(1, customer, { id: 'p1' })])
      expect(added).toEqual([])
      expect(list.messages).toHaveLength(1)
      expect(list.messages[0]).toMatchObject({ id: 'p1', seq: 1, status: 'sent' })
      expect(changes).toEqual([expect.objectContaining({ type: 'update', index: 0 })])
      list.ack('p1', 1, T0) // the late ack changes nothing
      expect(changes).toHaveLength(1)
    })

    it('marks my message read at once when the peer already read past its seq', () => {
      const { list } = setup(5)
      list.addPending(pending('p1'))
      list.ack('p1', 5, T0)
      expect(list.get('p1')?.status).toBe('read')
    })

    it('ignores an unknown id', () => {
      const { list, changes } = setup()
      expect(list.ack('nope', 1, T0)).toBeUndefined()
      expect(changes).toEqual([])
    })
  })

  describe('fail and retry', () => {
    it('marks an unacked message failed, then sending again, with status-only patches', () => {
      const { list, changes } = setup()
      list.addPending(pending('p1'))
      changes.length = 0
      list.fail('p1')
      list.retry('p1')
      expect(changes).toEqual([
        { type: 'update', index: 0, message: expect.objectContaining({ status: 'failed' }), patch: { status: 'failed' } },
        { type: 'update', index: 0, message: expect.objectContaining({ status: 'sending' }), patch: { status: 'sending' } },
      ])
    })

    it("keeps a failed message among the unacked ones, after every seq'd message", () => {
      const { list } = setup()
      list.addPending(pending('p1'))
      list.fail('p1')
      list.merge(messages(1, 2))
      expect(ids(list.messages)).toEqual(['m-1', 'm-2', 'p1'])
    })

    it('does not fail an acked message or retry one that did not fail', () => {
      const { list } = setup()
      list.addPending(pending('p1'))
      expect(list.retry('p1')).toBeUndefined()
      list.ack('p1', 1, T0)
      expect(list.fail('p1')).toBeUndefined()
      expect(list.get('p1')?.status).toBe('sent')
    })
  })

  describe('setPeerReadSeq', () => {
    it('turns my sent messages up to the seq read, each as a status update', () => {
      const { list, changes } = setup()
      list.merge([message(1, customer), message(2, agent), message(3, customer), message(4, customer)])
      changes.length = 0
      list.setPeerReadSeq(3)
      expect(list.messages.map((m) => m.status)).toEqual(['read', null, 'read', 'sent'])
      expect(changes).toEqual([
        { type: 'update', index: 2, message: list.messages[2], patch: { status: 'read' } },
        { type: 'update', index: 0, message: list.messages[0], patch: { status: 'read' } },
      ])
    })

    it('never goes backwards', () => {
      const { list } = setup()
      list.merge([message(1, customer)])
      list.setPeerReadSeq(1)
      list.setPeerReadSeq(0)
      expect(list.peerReadSeq).toBe(1)
      expect(list.messages[0]!.status).toBe('read')
    })

    it('leaves unacked messages alone', () => {
      const { list } = setup()
      list.addPending(pending('p1'))
      list.setPeerReadSeq(10)
      expect(list.get('p1')?.status).toBe('sending')
    })
  })

  describe('seqs', () => {
    it('reports oldest, newest and the highest seq reached without a gap', () => {
      const { list } = setup()
      list.merge([message(21), message(22), message(23), message(25)])
      list.addPending(pending('p1'))
      expect(list.oldestSeq).toBe(21)
      expect(list.newestSeq).toBe(25)
      expect(list.contiguousSeq).toBe(23)
      list.merge([message(24)])
      expect(list.contiguousSeq).toBe(25)
    })

    it('keeps the contiguous seq right as older pages arrive, gaps fill and the list resets', () => {
      const { list } = setup()
      list.merge([message(10), message(11), message(13)])
      expect(list.contiguousSeq).toBe(11)
      list.merge([message(7), message(8)]) // an older page with a gap before 10
      expect(list.contiguousSeq).toBe(8)
      list.merge([message(9)])
      expect(list.contiguousSeq).toBe(11)
      list.merge([message(12), message(14)])
      expect(list.contiguousSeq).toBe(14)
      list.reset()
      expect(list.contiguousSeq).toBe(0)
      list.merge([message(3), message(4)])
      expect(list.contiguousSeq).toBe(4)
    })

    it('finds messages by id', () => {
      const { list } = setup()
      list.merge(messages(1, 3))
      list.addPending(pending('p1'))
      expect(list.indexOf('m-2')).toBe(1)
      expect(list.indexOf('p1')).toBe(3)
      expect(list.indexOf('nope')).toBe(-1)
    })
  })
})
