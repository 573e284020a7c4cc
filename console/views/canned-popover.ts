/**
 * The canned replies popover above the composer: a filter, the team's and my replies (title
 * and the start of the text), the highlighted one taken with Enter or a click, and a small
 * form to add one (团队 or 个人). The composer drives it: `/` at the start of the reply opens it
 * with what follows as the filter; the 快捷回复 button opens it with a filter box of its own.
 */
import type { CannedStore } from '../canned-store'
import type { CannedReply, CannedScope } from '../desk-api'
import { clear, h, setText, type View } from '../dom'
import { errorText } from '../strings'

export interface CannedPopoverOptions {
  store: CannedStore
  /** A reply was chosen: the composer puts its text in, to edit before sending. */
  pick(reply: CannedReply): void
  /** The popover closed by itself (Escape in its filter, a click outside). */
  closed(): void
  toast: (text: string, tone?: 'error' | 'info') => void
}

export class CannedPopover implements View {
  readonly el: HTMLElement
  private readonly filterInput: HTMLInputElement
  private readonly list: HTMLElement
  private readonly form: HTMLFormElement
  private readonly offs: Array<() => void>
  private query = ''
  private shown: CannedReply[] = []
  private active = 0
  /** 'slash': filtered by the composer's text; 'browse': by the popover's own filter box. */
  private mode: 'slash' | 'browse' = 'browse'

  constructor(private readonly options: CannedPopoverOptions) {
    this.filterInput = h('input', {
      class: 'canned-filter',
      attrs: { type: 'search', placeholder: '搜索快捷回复', 'aria-label': '搜索快捷回复' },
      on: {
        input: () => this.setQuery(this.filterInput.value),
        keydown: (e) => {
          if (this.handleKey(e)) e.preventDefault()
        },
      },
    })
    this.list = h('ul', { class: 'canned-list', attrs: { role: 'listbox', 'aria-label': '快捷回复' } })
    this.form = this.buildForm()
    this.el = h(
      'div',
      { class: 'canned-popover', attrs: { role: 'dialog', 'aria-label': '快捷回复' }, data: { mode: 'browse' } },
      h(
        'div',
        { class: 'canned-head' },
        h('span', { class: 'canned-title' }, '快捷回复'),
        h('span', { class: 'canned-help' }, '↑↓ 选择 · Enter 插入 · Esc 关闭'),
        h(
          'button',
          {
            class: 'btn btn-ghost btn-sm',
            attrs: { type: 'button' },
            data: { action: 'canned-new' },
            on: { click: () => this.toggleForm() },
          },
          '新建',
        ),
      ),
      this.filterInput,
      this.list,
      this.form,
    )
    this.el.hidden = true
    this.offs = [options.store.on('change', () => this.render())]
  }

  get isOpen(): boolean {
    return !this.el.hidden
  }

  open(mode: 'slash' | 'browse', query = ''): void {
    this.mode = mode
    this.el.dataset.mode = mode
    this.el.hidden = false
    this.filterInput.hidden = mode === 'slash'
    this.filterInput.value = mode === 'browse' ? query : ''
    this.setQuery(query)
    this.options.store.load().catch((err: unknown) => this.options.toast(errorText(err, '快捷回复加载失败'), 'error'))
    if (mode === 'browse') this.filterInput.focus()
  }

  close(): void {
    if (this.el.hidden) return
    this.el.hidden = true
    this.form.hidden = true
  }

  setQuery(query: string): void {
    this.query = query
    this.active = 0
    this.render()
  }

  /** Keys while open (from the composer in slash mode, from the filter box in browse mode); true when taken. */
  handleKey(e: KeyboardEvent): boolean {
    if (!this.isOpen || e.isComposing) return false
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      if (this.shown.length === 0) return true
      this.active = (this.active + (e.key === 'ArrowDown' ? 1 : -1) + this.shown.length) % this.shown.length
      this.render()
      return true
    }
    if (e.key === 'Enter' || e.key === 'Tab') {
      const reply = this.shown[this.active]
      if (reply === undefined) return e.key === 'Enter' && this.mode === 'browse'
      this.options.pick(reply)
      return true
    }
    if (e.key === 'Escape') {
      this.close()
      this.options.closed()
      return true
    }
    return false
  }

  dispose(): void {
    for (const off of this.offs.splice(0)) off()
  }

  private render(): void {
    this.shown = this.options.store.filter(this.query)
    clear(this.list)
    if (this.shown.length === 0) {
      this.list.append(
        h('li', { class: 'canned-empty' }, this.options.store.all.length === 0 ? '还没有快捷回复，点「新建」添加' : '没有匹配的快捷回复'),
      )
      return
    }
    this.shown.forEach((reply, index) => {
      const selected = index === this.active
      this.list.append(
        h(
          'li',
          {
            class: `canned-item${selected ? ' is-active' : ''}`,
            attrs: { role: 'option', 'aria-selected': selected ? 'true' : 'false' },
            data: { id: reply.id, scope: reply.scope },
            on: {
              mousedown: (e) => e.preventDefault(), // keeps the composer's focus and caret
              click: () => this.options.pick(reply),
            },
          },
          h('span', { class: `tag tag-scope-${reply.scope}` }, reply.scope === 'team' ? '团队' : '个人'),
          h('span', { class: 'canned-item-title' }, reply.title),
          h('span', { class: 'canned-item-text' }, reply.text.replace(/\s+/g, ' ')),
          h(
            'button',
            {
              class: 'canned-delete',
              attrs: { type: 'button', title: '删除', 'aria-label': `删除 ${reply.title}` },
              on: {
                click: (e) => {
                  e.stopPropagation()
                  this.options.store.remove(reply.id).catch((err: unknown) => this.options.toast(errorText(err, '删除失败'), 'error'))
                },
              },
            },
            '×',
          ),
        ),
      )
    })
    this.list.querySelector('.is-active')?.scrollIntoView({ block: 'nearest' })
  }

  private toggleForm(): void {
    this.form.hidden = !this.form.hidden
    if (!this.form.hidden) this.form.querySelector<HTMLInputElement>('input')?.focus()
  }

  private buildForm(): HTMLFormElement {
    const title = h('input', {
      class: 'input',
      attrs: { name: 'title', placeholder: '标题（如：发货时间）', maxlength: 40, required: true },
    })
    const text = h('textarea', { class: 'input', attrs: { name: 'text', rows: 3, placeholder: '回复内容', required: true } })
    const scope = h(
      'select',
      { class: 'input', attrs: { name: 'scope', 'aria-label': '可见范围' } },
      h('option', { attrs: { value: 'personal' } }, '个人'),
      h('option', { attrs: { value: 'team' } }, '团队'),
    )
    const error = h('span', { class: 'canned-form-error', attrs: { role: 'alert' } })
    const form = h(
      'form',
      {
        class: 'canned-form',
        on: {
          submit: (e) => {
            e.preventDefault()
            setText(error, '')
            this.options.store
              .add({ title: title.value.trim(), text: text.value, scope: scope.value as CannedScope })
              .then(() => {
                form.reset()
                form.hidden = true
              })
              .catch((err: unknown) => setText(error, errorText(err, '保存失败')))
          },
        },
      },
      title,
      text,
      h(
        'div',
        { class: 'canned-form-row' },
        scope,
        error,
        h('button', { class: 'btn btn-primary btn-sm', attrs: { type: 'submit' } }, '保存'),
      ),
    )
    form.hidden = true
    return form
  }
}
