/** An uploaded image at full size, over the page (and a link to open the file itself). */
import { h, isUploadUrl } from '../dom'
import { openModal, type Modal } from './modal'

export function openImageViewer(url: string): Modal | null {
  if (!isUploadUrl(url)) return null
  const modal: Modal = openModal({
    class: 'image-viewer',
    body: [
      h('img', { class: 'image-full', attrs: { src: url, alt: '原图' }, on: { click: () => modal.close() } }),
      h(
        'div',
        { class: 'image-viewer-bar' },
        h('a', { class: 'link-button', attrs: { href: url, target: '_blank', rel: 'noopener noreferrer' } }, '在新标签页打开原图'),
        h('button', { class: 'btn btn-ghost btn-sm', attrs: { type: 'button' }, on: { click: () => modal.close() } }, '关闭'),
      ),
    ],
  })
  return modal
}
