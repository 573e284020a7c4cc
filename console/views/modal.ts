/**
 * A modal on the native `<dialog>` (focus trap, Escape and the backdrop come with it).
 * It removes itself from the document when closed; owners close it on dispose.
 */
import { h, type Child } from '../dom'

export interface Modal {
  readonly el: HTMLDialogElement
  close(): void
}

export interface ModalOptions {
  title?: string
  class?: string
  body: Child[]
  actions?: Child[]
  /** Called once, however the modal closed. */
  onClose?(): void
}

export function openModal(options: ModalOptions): Modal {
  const dialog = h(
    'dialog',
    {
      class: `modal${options.class ? ` ${options.class}` : ''}`,
      on: {
        // A click on the dialog itself (not its content) is a click on the backdrop.
        click: (e) => e.target === dialog && dialog.close(),
      },
    },
    h(
      'div',
      { class: 'modal-content' },
      options.title ? h('h3', { class: 'modal-title' }, options.title) : null,
      h('div', { class: 'modal-body' }, ...options.body),
      options.actions ? h('div', { class: 'modal-actions' }, ...options.actions) : null,
    ),
  )
  dialog.addEventListener('close', () => {
    dialog.remove()
    options.onClose?.()
  })
  document.body.appendChild(dialog)
  dialog.showModal()
  return {
    el: dialog,
    close: () => {
      if (dialog.open) dialog.close()
    },
  }
}

/** A yes/no question; resolves true on confirm. */
export function confirmModal(
  title: string,
  text: string,
  confirmLabel: string,
  tone: 'danger' | 'primary' = 'primary',
): { modal: Modal; answer: Promise<boolean> } {
  let confirmed = false
  let resolve: (value: boolean) => void = () => undefined
  const answer = new Promise<boolean>((r) => (resolve = r))
  const modal: Modal = openModal({
    title,
    class: 'modal-confirm',
    body: [h('p', {}, text)],
    actions: [
      h('button', { class: 'btn btn-ghost', attrs: { type: 'button' }, on: { click: () => modal.close() } }, '取消'),
      h(
        'button',
        {
          class: `btn btn-${tone}`,
          attrs: { type: 'button', autofocus: true },
          data: { action: 'confirm' },
          on: {
            click: () => {
              confirmed = true
              modal.close()
            },
          },
        },
        confirmLabel,
      ),
    ],
    onClose: () => resolve(confirmed),
  })
  return { modal, answer }
}
