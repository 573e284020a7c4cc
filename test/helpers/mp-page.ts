/**
 * Pages and components of miniprogram/ under miniprogram-simulate, compiled by the official
 * WXML compiler. Each path is loaded once per test file (a second load would not run its
 * `Component()` again). Pages get their lifecycle called as WeChat would (onLoad, onShow,
 * onHide, onUnload), and every `setData` they make is recorded.
 */
import path from 'node:path'

/**
 * The part of miniprogram-simulate (and j-component) used here. Declared locally: its own
 * typings pull in j-component's copy of miniprogram-api-typings 3.x, whose globals clash
 * with the 5.x the project uses.
 */
export interface SimComponent {
  readonly dom: HTMLElement | undefined
  readonly data: Record<string, unknown>
  readonly instance: object
  dispatchEvent(eventName: string, options?: { detail?: unknown }): void
  querySelector(selector: string): SimComponent | undefined
  querySelectorAll(selector: string): SimComponent[]
  setData(data: Record<string, unknown>, callback?: () => void): void
  addEventListener(eventName: string, handler: (event: { detail: unknown }) => void): void
  toJSON(): { tagName: string; attrs: Array<{ name: string; value: unknown }> }
}

export interface RootComponent extends SimComponent {
  attach(parent: Node): void
  detach(): void
}

interface Simulate {
  load(componentPath: string, options: { compiler: 'official' | 'simulate'; rootPath: string }): string
  render(id: string, properties?: Record<string, unknown>): RootComponent
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const simulate: Simulate = require('miniprogram-simulate')

export const MINIPROGRAM_ROOT = path.join(__dirname, '../../miniprogram')

const loaded = new Map<string, string>()

/** The simulate id of `miniprogram/<rel>` (e.g. 'pages/chat/chat'), loading it the first time. */
export function load(rel: string): string {
  let id = loaded.get(rel)
  if (id === undefined) {
    id = simulate.load(path.join(MINIPROGRAM_ROOT, rel), { compiler: 'official', rootPath: MINIPROGRAM_ROOT })
    loaded.set(rel, id)
  }
  return id
}

export interface PageInstance {
  data: Record<string, unknown>
  setData(data: Record<string, unknown>, callback?: () => void): void
  onLoad(query: Record<string, string | undefined>): void
  onShow(): void
  onHide(): void
  onUnload(): void
  [method: string]: unknown
}

export interface OpenPage {
  comp: RootComponent
  instance: PageInstance
  /** Every setData payload, in order. */
  readonly calls: Array<Record<string, unknown>>
  /** The rendered text of the page. */
  text(): string
  /** onHide (when shown), onUnload, detach. */
  close(): void
}

export interface RenderedComponent {
  comp: RootComponent
  text(): string
  detach(): void
}

/** Renders a component with `properties`, attached to a parent. */
export function renderComponent(rel: string, properties: Record<string, unknown> = {}): RenderedComponent {
  const comp = simulate.render(load(rel), properties)
  const parent = document.createElement('parent-wrapper')
  comp.attach(parent)
  return { comp, text: () => comp.dom?.textContent ?? '', detach: () => comp.detach() }
}

/** Renders page `rel`, records its setData calls and calls onLoad and onShow. */
export function openPage(rel: string, query: Record<string, string> = {}): OpenPage {
  const comp = simulate.render(load(rel))
  const parent = document.createElement('parent-wrapper')
  comp.attach(parent)
  const instance = comp.instance as unknown as PageInstance
  const calls: Array<Record<string, unknown>> = []
  const original = instance.setData.bind(instance)
  instance.setData = (data, callback) => {
    calls.push(data)
    original(data, callback)
  }
  // WeChat calls these on a page; a page may leave any of them out.
  const lifecycle = { onLoad: instance.onLoad, onShow: instance.onShow, onHide: instance.onHide, onUnload: instance.onUnload }
  const call = (name: keyof typeof lifecycle, ...args: unknown[]): void => {
    const method: unknown = lifecycle[name]
    if (typeof method === 'function') method.apply(instance, args)
  }
  call('onLoad', query)
  call('onShow')
  let open = true
  let shown = true
  instance.onHide = () => {
    shown = false
    call('onHide')
  }
  instance.onShow = () => {
    shown = true
    call('onShow')
  }
  const onUnload = () => call('onUnload')
  return {
    comp,
    instance,
    calls,
    text: () => comp.dom?.textContent ?? '',
    close() {
      if (!open) return
      open = false
      if (shown) instance.onHide()
      onUnload()
      comp.detach()
    },
  }
}

/** Taps an element: WeChat's `tap` comes from a touchstart/touchend pair. */
export function tap(target: SimComponent | RootComponent): void {
  target.dispatchEvent('tap')
}

/** A bound attribute of a built-in element (e.g. a button's `disabled`). */
export function attr(target: SimComponent, name: string): unknown {
  return target.toJSON().attrs.find((a) => a.name === name)?.value
}

/** Collects the `detail` of every `eventName` a component triggers. */
export function events<T = unknown>(target: SimComponent, eventName: string): T[] {
  const seen: T[] = []
  target.addEventListener(eventName, (event) => seen.push(event.detail as T))
  return seen
}

/** The element matching `selector`; throws when there is none. */
export function find(root: SimComponent, selector: string): SimComponent {
  const found = root.querySelector(selector)
  if (found === undefined) throw new Error(`no element matches ${selector}`)
  return found
}

/** Lets dispatched events (simulate delivers them on a microtask) and setData settle. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}

/** The byte size of a setData payload as WeChat would serialise it (JSON). */
export function payloadBytes(data: Record<string, unknown>): number {
  return Buffer.byteLength(JSON.stringify(data), 'utf8')
}
