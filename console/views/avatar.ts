/**
 * A round avatar: a readable initial for a name that has one, an identicon drawn from the id
 * for one that does not (the server's default 顾客 ad50). Remote avatar URLs are never loaded.
 */
import { avatarFace, avatarHue, identicon } from '../format'
import { h } from '../dom'

const SVG = 'http://www.w3.org/2000/svg'

export function avatar(id: string, name: string, size: 'sm' | 'md' = 'md'): HTMLElement {
  const face = avatarFace(name)
  const el = h('span', { class: `avatar avatar-${size}`, attrs: { 'aria-hidden': 'true' }, data: { kind: face.kind } })
  el.style.setProperty('--hue', String(avatarHue(id)))
  if (face.kind === 'initial') {
    el.textContent = face.text
    if (Array.from(face.text).length > 1) el.classList.add('avatar-two')
    return el
  }
  const { cells, pattern } = identicon(id)
  el.dataset.pattern = pattern
  // Built node by node (never from markup): a 5×5 grid with a one-cell margin.
  const svg = document.createElementNS(SVG, 'svg')
  svg.setAttribute('viewBox', '-1 -1 7 7')
  svg.setAttribute('class', 'identicon')
  for (const [x, y] of cells) {
    const rect = document.createElementNS(SVG, 'rect')
    rect.setAttribute('x', String(x))
    rect.setAttribute('y', String(y))
    rect.setAttribute('width', '1.02') // a hair over 1: no seams between neighbours
    rect.setAttribute('height', '1.02')
    svg.appendChild(rect)
  }
  el.appendChild(svg)
  return el
}
