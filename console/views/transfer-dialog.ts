/** Pick another online agent to hand the conversation to; the list follows presence while open. */
import type { AgentDesk, AgentPresence } from 'miniprogram-chat-socket/chat'
import { h, reconcile } from '../dom'
import { avatar } from './avatar'
import { openModal, type Modal } from './modal'

export function openTransferDialog(desk: AgentDesk, customerName: string, choose: (agent: AgentPresence) => void): Modal {
  const list = h('ul', { class: 'agent-list', attrs: { role: 'listbox', 'aria-label': '在线客服' } })
  const render = (): void => {
    const me = desk.user?.id
    const others = desk.agents.filter((a) => a.id !== me && a.online)
    reconcile(
      list,
      others.length === 0
        ? [h('li', { class: 'agent-empty' }, '暂无其他在线客服')]
        : others.map((agent) =>
            h(
              'li',
              { class: 'agent-item' },
              avatar(agent.id, agent.name || '客服', 'sm'),
              h('span', { class: 'agent-name' }, agent.name || '客服'),
              h('span', { class: 'agent-online' }, '在线'),
              h(
                'button',
                {
                  class: 'btn btn-primary btn-sm',
                  attrs: { type: 'button' },
                  data: { agentId: agent.id },
                  on: {
                    click: () => {
                      modal.close()
                      choose(agent)
                    },
                  },
                },
                '转接',
              ),
            ),
          ),
    )
  }
  const off = desk.on('agents', render)
  const modal: Modal = openModal({
    title: '转接会话',
    class: 'modal-transfer',
    body: [h('p', { class: 'modal-sub' }, `将与「${customerName}」的会话转接给：`), list],
    actions: [h('button', { class: 'btn btn-ghost', attrs: { type: 'button' }, on: { click: () => modal.close() } }, '取消')],
    onClose: off,
  })
  render()
  return modal
}
