/** A round avatar with the name's last character (remote avatar URLs are never loaded). */
import { avatarHue, initial } from '../format'
import { h } from '../dom'

export function avatar(id: string, name: string, size: 'sm' | 'md' = 'md'): HTMLElement {
  const el = h('span', { class: `avatar avatar-${size}`, attrs: { 'aria-hidden': 'true' } }, initial(name))
  el.style.setProperty('--hue', String(avatarHue(id)))
  return el
}
