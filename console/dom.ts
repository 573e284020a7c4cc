/**
 * The only way the console builds DOM: elements from `createElement`, user data only as text
 * nodes (`textContent`, `createTextNode`), never through `innerHTML`. Attribute values are
 * set with `setAttribute`, which never parses markup; URLs that come from users are checked
 * (`isUploadUrl`) before they reach `src` or `href`.
 */

export type Child = Node | string | number | null | undefined | false

export interface Props {
  class?: string
  /** Attributes, set with setAttribute (values are never parsed as markup). */
  attrs?: Record<string, string | number | boolean | undefined>
  /** `data-*` attributes. */
  data?: Record<string, string | number | undefined>
  /** Listeners on this element (they go away with it). */
  on?: { [K in keyof HTMLElementEventMap]?: (event: HTMLElementEventMap[K]) => void }
}

/** `h('div', { class: 'x' }, 'text', child)`: strings become text nodes. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag)
  if (props.class !== undefined) el.className = props.class
  if (props.attrs) setAttrs(el, props.attrs)
  if (props.data) {
    for (const [key, value] of Object.entries(props.data)) if (value !== undefined) el.dataset[key] = String(value)
  }
  if (props.on) {
    for (const [type, fn] of Object.entries(props.on)) if (fn) el.addEventListener(type, fn as EventListener)
  }
  append(el, ...children)
  return el
}

export function setAttrs(el: Element, attrs: Record<string, string | number | boolean | undefined>): void {
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) el.removeAttribute(name)
    else el.setAttribute(name, value === true ? '' : String(value))
  }
}

export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue
    parent.appendChild(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child)
  }
}

/** Sets an element's text (user data welcome: it is never parsed). */
export function setText(el: Node, text: string): void {
  if (el.textContent !== text) el.textContent = text
}

/** Removes every child. */
export function clear(el: Node): void {
  while (el.firstChild) el.removeChild(el.firstChild)
}

/**
 * Makes `parent`'s children exactly `nodes`, in order, touching only what differs: nodes
 * not wanted any more are removed, then the wanted ones are put in place. An append or a
 * prepend moves nothing that was already there (which keeps scroll anchoring calm).
 */
export function reconcile(parent: Element, nodes: readonly Node[]): void {
  const wanted = new Set(nodes)
  for (let child = parent.firstChild; child !== null;) {
    const next = child.nextSibling
    if (!wanted.has(child)) parent.removeChild(child)
    child = next
  }
  let cursor = parent.firstChild
  for (const node of nodes) {
    if (node === cursor) {
      cursor = cursor.nextSibling
    } else {
      parent.insertBefore(node, cursor)
    }
  }
}

/** `target.addEventListener` that returns its own removal. */
export function listen<K extends keyof DocumentEventMap>(target: Document, type: K, fn: (event: DocumentEventMap[K]) => void): () => void
export function listen<K extends keyof WindowEventMap>(target: Window, type: K, fn: (event: WindowEventMap[K]) => void): () => void
export function listen<K extends keyof HTMLElementEventMap>(
  target: HTMLElement,
  type: K,
  fn: (event: HTMLElementEventMap[K]) => void,
): () => void
export function listen(target: EventTarget, type: string, fn: (event: Event) => void): () => void {
  target.addEventListener(type, fn)
  return () => target.removeEventListener(type, fn)
}

/** Image URLs the console loads: only files the chat server stored (`/uploads/<sha256>.<ext>`). */
const UPLOAD_URL = /^\/uploads\/[0-9a-f]{64}\.(png|jpg|gif|webp)$/

export function isUploadUrl(url: unknown): url is string {
  return typeof url === 'string' && UPLOAD_URL.test(url)
}

/** A view: one root element, and `dispose()` removing every listener and timer it added outside it. */
export interface View {
  readonly el: HTMLElement
  dispose(): void
}
