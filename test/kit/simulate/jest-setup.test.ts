/**
 * The testing kit's jest-setup and page helper under miniprogram-simulate, as a user's project
 * runs them (this project's setupFiles is the kit's jest-setup alone): App/getApp, Page(),
 * getCurrentPages and the lifecycle openPage calls.
 */
import path from 'node:path'
import { find, loadComponent, openPage, settle, tap } from 'miniprogram-chat-socket/testing'

const PAGE = path.join(__dirname, '../fixtures/written-with-page/page')
const log = (): string[] => (globalThis as { __pageLog?: string[] }).__pageLog ?? []

it('getApp() before App() says what to do; App() runs onLaunch and getApp() returns the app', () => {
  expect(() => getApp()).toThrow('getApp(): no App() registered')
  const launched: unknown[] = []
  const app = { globalData: { user: 'u1' }, onLaunch: (o: unknown) => launched.push(o) }
  App(app)
  expect(getApp()).toBe(app)
  expect(launched).toEqual([{ path: '', query: {}, scene: 1001 }])
})

it('installs simulate’s wx, so a test can put its own calls on it before a page loads', () => {
  expect(typeof wx).toBe('object')
})

it('a page written with Page() loads; openPage calls onLoad(query) and onShow, close() onHide and onUnload; getCurrentPages follows', async () => {
  expect(getCurrentPages()).toEqual([])
  const page = openPage(PAGE, { query: { id: 'conv_1' } })
  expect(log()).toEqual(['onLoad', 'onShow'])
  expect(getCurrentPages()).toEqual([page.instance])
  expect(page.text()).toContain('conv_1')
  tap(find(page.comp, '.add'))
  await settle()
  expect(page.instance.data.count).toBe(1)
  expect(page.calls).toEqual([{ query: 'conv_1' }, { count: 1 }])
  page.hide()
  page.show()
  page.close()
  expect(log()).toEqual(['onLoad', 'onShow', 'onHide', 'onShow', 'onHide', 'onUnload'])
  expect(getCurrentPages()).toEqual([])
})

it('Page() fields are copied per instance: a second page starts from the declared value', async () => {
  const first = openPage(PAGE)
  const second = openPage(PAGE)
  expect(getCurrentPages()).toEqual([first.instance, second.instance])
  tap(find(first.comp, '.add'))
  tap(find(first.comp, '.add'))
  tap(find(second.comp, '.add'))
  await settle()
  expect([first.instance.data.count, second.instance.data.count]).toEqual([2, 1])
  second.close()
  first.close()
  expect(getCurrentPages()).toEqual([])
})

it('loadComponent wants an absolute path', () => {
  expect(() => loadComponent('pages/x')).toThrow('loadComponent: the path must be absolute, got pages/x')
})
