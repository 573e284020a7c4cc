/** Builders of chat-layer data for unit tests. */
import type { ChatMessage, Conversation, Sender, User } from '../../src/chat'

export const customer: User = { id: 'c_1', role: 'customer', name: '顾客 c1' }
export const agent: User = { id: 'a_1', role: 'agent', name: '小美' }
export const otherAgent: User = { id: 'a_2', role: 'agent', name: '小王' }

export function sender(user: User): Sender {
  return { id: user.id, role: user.role, name: user.name }
}

export const T0 = Date.UTC(2025, 10, 26, 6, 0, 0)

/** A stored text message of `seq`, from `from` (default the agent), written `seq` minutes after T0. */
export function message(seq: number, from: User = agent, overrides: Partial<ChatMessage> = {}): ChatMessage {
  return {
    id: `m-${seq}`,
    conversationId: 'conv_1',
    seq,
    ts: T0 + seq * 60_000,
    from: sender(from),
    kind: 'text',
    text: `message ${seq}`,
    ...overrides,
  }
}

export function messages(from: number, to: number, by: User = agent): ChatMessage[] {
  const out: ChatMessage[] = []
  for (let seq = from; seq <= to; seq++) out.push(message(seq, by))
  return out
}

export function conversation(overrides: Partial<Conversation> = {}): Conversation {
  return {
    id: 'conv_1',
    status: 'open',
    customer: { id: customer.id, name: customer.name },
    agent: { id: agent.id, name: agent.name },
    createdAt: T0,
    lastSeq: 0,
    lastMessage: null,
    customerReadSeq: 0,
    agentReadSeq: 0,
    ...overrides,
  }
}
