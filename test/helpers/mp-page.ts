/**
 * Pages and components of miniprogram/ under miniprogram-simulate, through the testing kit's
 * page helper (src/testing/page.ts): paths relative to miniprogram/, compiled by the official
 * WXML compiler, each loaded once per test file.
 */
import path from 'node:path'
import {
  loadComponent,
  openPage as openKitPage,
  renderComponent as renderKitComponent,
  type OpenPage,
  type RenderedComponent,
} from '../../src/testing'

export { attr, events, find, settle, tap } from '../../src/testing'
export type { OpenPage, PageInstance, RenderedComponent, RootComponent, SimComponent } from '../../src/testing'

export const MINIPROGRAM_ROOT = path.join(__dirname, '../../miniprogram')

/** The simulate id of `miniprogram/<rel>` (e.g. 'pages/chat/chat'), loading it the first time. */
export function load(rel: string): string {
  return loadComponent(path.join(MINIPROGRAM_ROOT, rel), { rootPath: MINIPROGRAM_ROOT })
}

/** Renders page `rel`, records its setData calls and calls onLoad and onShow. */
export function openPage(rel: string, query: Record<string, string> = {}): OpenPage {
  return openKitPage(load(rel), { query })
}

/** Renders a component with `properties`, attached to a parent. */
export function renderComponent(rel: string, properties: Record<string, unknown> = {}): RenderedComponent {
  return renderKitComponent(load(rel), properties)
}

/** The byte size of a setData payload as WeChat would serialise it (JSON). */
export function payloadBytes(data: Record<string, unknown>): number {
  return Buffer.byteLength(JSON.stringify(data), 'utf8')
}
