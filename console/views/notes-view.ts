/**
 * Internal notes on a conversation (内部备注): for agents only, never sent to the customer,
 * on a yellow ground with a dashed edge so they never pass for messages. Loaded when the
 * conversation opens; mine appear as soon as the server stored them.
 */
import type { DeskApi, Note } from '../desk-api'
import { clear, h, setText, type View } from '../dom'
import { fullTime } from '../format'
import { errorText } from '../strings'

export function noteItem(note: Note): HTMLElement {
  return h(
    'div',
    { class: 'note', data: { id: note.id } },
    h(
      'div',
      { class: 'note-meta' },
      h('span', { class: 'note-badge' }, '内部备注'),
      h('span', { class: 'note-author' }, note.author.name),
      h('time', { class: 'note-time', attrs: { datetime: new Date(note.createdAt).toISOString() } }, fullTime(note.createdAt)),
    ),
    h('div', { class: 'note-text' }, note.text),
  )
}

export class NotesView implements View {
  readonly el: HTMLElement
  private readonly list: HTMLElement
  private readonly input: HTMLTextAreaElement
  private readonly error: HTMLElement
  private disposed = false

  constructor(
    private readonly api: DeskApi,
    private readonly conversationId: string,
  ) {
    this.list = h('div', { class: 'notes-list' }, h('p', { class: 'panel-muted' }, '加载中…'))
    this.input = h('textarea', {
      class: 'input notes-input',
      attrs: { rows: 2, placeholder: '写一条内部备注（顾客看不到）', 'aria-label': '内部备注', maxlength: 2000 },
      on: {
        keydown: (e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
            e.preventDefault()
            this.add()
          }
        },
      },
    })
    this.error = h('span', { class: 'notes-error', attrs: { role: 'alert' } })
    this.el = h(
      'section',
      { class: 'panel-section notes' },
      h('h4', { class: 'panel-title' }, '内部备注', h('span', { class: 'panel-hint' }, '仅客服可见')),
      this.list,
      this.input,
      h(
        'div',
        { class: 'notes-actions' },
        this.error,
        h(
          'button',
          { class: 'btn btn-ghost btn-sm', attrs: { type: 'button' }, data: { action: 'add-note' }, on: { click: () => this.add() } },
          '添加备注',
        ),
      ),
    )
    this.api.notes(conversationId).then(
      (notes) => this.render(notes),
      (err: unknown) => !this.disposed && this.render([], errorText(err, '备注加载失败')),
    )
  }

  dispose(): void {
    this.disposed = true
  }

  private render(notes: Note[], failure?: string): void {
    if (this.disposed) return
    clear(this.list)
    if (failure !== undefined) this.list.append(h('p', { class: 'panel-muted' }, failure))
    else if (notes.length === 0) this.list.append(h('p', { class: 'panel-muted notes-empty' }, '暂无备注'))
    for (const note of notes) this.list.append(noteItem(note))
  }

  private add(): void {
    const text = this.input.value
    if (text.trim() === '') return
    setText(this.error, '')
    this.api.addNote(this.conversationId, text).then(
      (note) => {
        if (this.disposed) return
        this.list.querySelector('.notes-empty')?.remove()
        this.list.append(noteItem(note))
        this.input.value = ''
      },
      (err: unknown) => !this.disposed && setText(this.error, errorText(err, '备注保存失败')),
    )
  }
}
