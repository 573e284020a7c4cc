/**
 * Pages and components under miniprogram-simulate (jsdom), with the page lifecycle WeChat would
 * run: `openPage()` renders a page, calls `onLoad(query)` and `onShow()`, records every
 * `setData`, and `close()` calls `onHide`/`onUnload`. Needs `miniprogram-simulate` (a dev
 * dependency of your tests) and the jsdom test environment.
 */
import path from 'node:path'
import { shared } from './pages'

/** The part of miniprogram-simulate's (j-component's) component used here. */
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

let simulateModule: Simulate | undefined
function simulate(): Simulate {
  // Loaded on first use, so the testing entry loads where miniprogram-simulate is not installed.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  simulateModule ??= require('miniprogram-simulate') as Simulate
  return simulateModule
}

const loaded = new Map<string, string>()

export interface LoadOptions {
  /** The mini-program root (where app.json is), for absolute `usingComponents` paths. Default: the folder above `pages/`, else the file's folder. */
  rootPath?: string
  /** 'official' (the default): WeChat's WXML compiler; 'simulate': simulate's own. */
  compiler?: 'official' | 'simulate'
}

/**
 * The simulate id of the page or component at `file` (absolute, without extension:
 * `path.join(__dirname, '../pages/chat/chat')`), loading it the first time only: a second
 * `simulate.load` of the same file would not run its `Component()`/`Page()` again.
 */
export function loadComponent(file: string, options: LoadOptions = {}): string {
  if (!path.isAbsolute(file)) throw new TypeError(`loadComponent: the path must be absolute, got ${file}`)
  let id = loaded.get(file)
  if (id === undefined) {
    const parts = file.split(path.sep)
    const pagesAt = parts.lastIndexOf('pages')
    const rootPath = options.rootPath ?? (pagesAt > 0 ? parts.slice(0, pagesAt).join(path.sep) : path.dirname(file))
    id = simulate().load(file, { compiler: options.compiler ?? 'official', rootPath })
    loaded.set(file, id)
  }
  return id
}

/**
 * A page instance: its data, setData and whichever methods the page defines. `onShow` and
 * `onHide` are always there once `openPage` has it (they call the page's own, when it has them).
 */
export interface PageInstance {
  data: Record<string, unknown>
  setData(data: Record<string, unknown>, callback?: () => void): void
  onShow: () => void
  onHide: () => void
  [method: string]: unknown
}

export interface OpenPage {
  comp: RootComponent
  instance: PageInstance
  /** Every setData payload, in order. */
  readonly calls: Array<Record<string, unknown>>
  /** The rendered text of the page. */
  text(): string
  /** `onHide()` (the user went to another page or the app went to the background). */
  hide(): void
  /** `onShow()` again. */
  show(): void
  /** `onHide()` when shown, then `onUnload()`, and the page leaves `getCurrentPages()`. */
  close(): void
}

export interface OpenPageOptions extends LoadOptions {
  /** The query `onLoad` gets. Default {}. */
  query?: Record<string, string>
}

function callHook(instance: PageInstance, name: string, ...args: unknown[]): void {
  const method = instance[name]
  if (typeof method === 'function') (method as (...a: unknown[]) => void).apply(instance, args)
}

/**
 * Renders the page (a path as for `loadComponent`, or an id it gave), calls `onLoad(query)` and
 * `onShow()` as WeChat does, and puts it on top of `getCurrentPages()`. A page may leave any
 * hook out. The page's own `onShow`/`onHide` can also be called on the instance: they keep
 * the state `close()` needs.
 */
export function openPage(page: string, options: OpenPageOptions = {}): OpenPage {
  const id = path.isAbsolute(page) ? loadComponent(page, options) : page
  const comp = simulate().render(id)
  comp.attach(document.createElement('parent-wrapper'))
  const instance = comp.instance as unknown as PageInstance
  const calls: Array<Record<string, unknown>> = []
  const original = instance.setData.bind(instance)
  instance.setData = (data, callback) => {
    calls.push(data)
    original(data, callback)
  }
  const { pages } = shared()
  pages.push(instance)
  let open = true
  let shown = false
  const own: { onShow: unknown; onHide: unknown } = { onShow: instance.onShow, onHide: instance.onHide }
  instance.onShow = () => {
    shown = true
    if (typeof own.onShow === 'function') (own.onShow as () => void).call(instance)
  }
  instance.onHide = () => {
    shown = false
    if (typeof own.onHide === 'function') (own.onHide as () => void).call(instance)
  }
  callHook(instance, 'onLoad', options.query ?? {})
  callHook(instance, 'onShow')
  const handle: OpenPage = {
    comp,
    instance,
    calls,
    text: () => comp.dom?.textContent ?? '',
    hide: () => callHook(instance, 'onHide'),
    show: () => callHook(instance, 'onShow'),
    close() {
      if (!open) return
      open = false
      if (shown) callHook(instance, 'onHide')
      callHook(instance, 'onUnload')
      const at = pages.indexOf(instance)
      if (at >= 0) pages.splice(at, 1)
      comp.detach()
    },
  }
  return handle
}

export interface RenderedComponent {
  comp: RootComponent
  text(): string
  detach(): void
}

/** Renders a component (a path as for `loadComponent`, or an id) with `properties`, attached to a parent. */
export function renderComponent(component: string, properties: Record<string, unknown> = {}, options: LoadOptions = {}): RenderedComponent {
  const id = path.isAbsolute(component) ? loadComponent(component, options) : component
  const comp = simulate().render(id, properties)
  comp.attach(document.createElement('parent-wrapper'))
  return { comp, text: () => comp.dom?.textContent ?? '', detach: () => comp.detach() }
}

/** Taps an element. */
export function tap(target: SimComponent): void {
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

/** Lets dispatched events (simulate delivers them on a microtask), setData and wx callbacks settle: one turn of the event loop. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}
