/**
 * A page as miniprogram-simulate built it, made into a stand-alone HTML page for Chromium: the
 * simulate DOM (`<main>`, `<wx-view>`, `<message-bubble>`…) with the project's own WXSS
 * (app.wxss with its theme variables, the page's and each component's WXSS, class names
 * prefixed as simulate prefixes them), rpx at a 375 px wide screen (1rpx = 0.5px), WeChat's
 * navigation bar from app.json and theme.json, and a small stylesheet for the built-in
 * elements (view, text, image, button, input…) with WeChat's default looks.
 *
 * Built-in elements keep their bound properties (an image's src, an input's value) on the
 * exparser node, not in the DOM: `pageHtml` copies them in (images inlined as data URLs).
 */
import fs from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import postcss from 'postcss'
import type { OpenPage } from './mp-page'
import { MINIPROGRAM_ROOT } from './mp-page'

/** The screen: 375 px wide (an iPhone 8's), WeChat's navigation bar 44 px. */
export const SCREEN = { width: 375, height: 667, navBar: 44 }
const RPX = SCREEN.width / 750

type Theme = 'light' | 'dark'

/** One screenshot: the HTML file `<name>.html` and how to shoot it. */
export interface Shot {
  name: string
  /** The colour scheme Chromium emulates (prefers-color-scheme), with theme.json's navigation bar of that theme. */
  theme: Theme
  /** Where the message list is scrolled: the end (as scroll-into-view the newest leaves it) or the top. */
  list: 'bottom' | 'top'
}

const read = (rel: string): string => fs.readFileSync(path.join(MINIPROGRAM_ROOT, rel), 'utf8')

/** `24rpx` → `12px`; `page` → `body`; tags → simulate's `wx-` elements; classes prefixed with the component's tag. */
export function wxssToCss(wxss: string, prefix: string | null, host: string): string {
  const px = wxss.replace(/(-?\d*\.?\d+)rpx/g, (_, n: string) => `${+(Number(n) * RPX).toFixed(3)}px`)
  const root = postcss.parse(px)
  root.walkRules((rule) => {
    rule.selectors = rule.selectors.map((selector) =>
      selector
        .replace(/:host/g, host)
        .replace(/(^|[\s,>+~(])page(?=$|[\s,.:>+~)[])/g, '$1body')
        .replace(/(^|[\s,>+~(])(view|text|button|image|input|textarea|scroll-view)(?=$|[\s,.:>+~)[])/g, '$1wx-$2')
        .replace(/\.([-_a-zA-Z][-_a-zA-Z0-9]*)/g, (all, name: string) => (prefix === null ? all : `.${prefix}--${name}`)),
    )
  })
  return root.toString().replace(/100vh/g, `calc(100vh - ${SCREEN.navBar}px)`)
}

/** The WXSS of a page and of every component it uses (usingComponents, recursively), as simulate prefixes them. */
function pageCss(pageRel: string): string {
  const out = [wxssToCss(read('app.wxss'), null, 'body'), wxssToCss(read(`${pageRel}.wxss`), 'main', 'main')]
  const seen = new Set<string>()
  const visit = (rel: string) => {
    const json = JSON.parse(read(`${rel}.json`)) as { usingComponents?: Record<string, string> }
    for (const [tag, target] of Object.entries(json.usingComponents ?? {})) {
      const child = path.relative(MINIPROGRAM_ROOT, path.resolve(path.dirname(path.join(MINIPROGRAM_ROOT, rel)), target))
      if (seen.has(child)) continue
      seen.add(child)
      out.push(wxssToCss(read(`${child}.wxss`), tag, tag))
      visit(child)
    }
  }
  visit(pageRel)
  return out.join('\n')
}

/** What WeChat's built-in elements look like by default (WeUI's base), for the elements the pages use. */
const BUILTIN_CSS = `
html, body { margin: 0; padding: 0; }
body { font-family: 'Noto Sans CJK SC', 'Noto Color Emoji', sans-serif; -webkit-font-smoothing: antialiased; }
main { display: block; }
wx-view, wx-scroll-view, wx-input, wx-textarea, wx-button { display: block; }
wx-text { display: inline; white-space: pre-wrap; }
wx-scroll-view { overflow: hidden; }
wx-scroll-view[data-scroll-y] { overflow-y: auto; }
wx-scroll-view[data-scroll-x] { overflow-x: auto; white-space: nowrap; }
wx-scroll-view::-webkit-scrollbar { display: none; }
wx-image { display: inline-block; overflow: hidden; width: 320px; height: 240px; }
wx-image > img { display: block; width: 100%; height: 100%; object-fit: fill; }
wx-image[data-mode='widthFix'] { height: auto; }
wx-image[data-mode='widthFix'] > img { height: auto; }
wx-image[data-mode='aspectFill'] > img { object-fit: cover; }
wx-input { display: flex; align-items: center; height: 1.4em; line-height: 1.4em; min-height: 1.4em; overflow: hidden; white-space: nowrap; text-overflow: ellipsis; }
wx-textarea { width: 300px; min-height: 1.4em; white-space: pre-wrap; }
wx-button { position: relative; box-sizing: border-box; margin: 0 auto; padding: 0 14px; border-radius: 5px; font-size: 18px;
  line-height: 2.56; text-align: center; color: #000; background: #f8f8f8; overflow: hidden; }
wx-button[data-size='mini'] { display: inline-block; padding: 0 1.34em; font-size: 13px; line-height: 2.3; }
wx-button[data-type='primary'] { color: #fff; background: #07c160; }
wx-button[data-disabled] { opacity: 0.6; }
.nav-bar { height: ${SCREEN.navBar}px; display: flex; align-items: center; justify-content: center; font-size: 17px; font-weight: 500; }
.nav-capsule { position: absolute; right: 7px; top: 6px; width: 87px; height: 32px; box-sizing: border-box; border-radius: 16px;
  border: 0.5px solid rgba(128, 128, 128, 0.35); display: flex; align-items: center; justify-content: space-around; font-size: 16px; }
`

/** The bound attribute `name` (camelCase) of an element, as j-component's virtual node holds it. */
function prop(el: Element, name: string): unknown {
  const node = (el as unknown as { __wxElement?: { _vt?: { attrs?: Array<{ name: string; value: unknown }> } } }).__wxElement
  return node?._vt?.attrs?.find((a) => a.name === name)?.value
}

/** GET as bytes (jsdom, where the pages run, has no fetch; test/helpers/http.ts decodes text). */
function getBytes(url: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false }, (res) => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('end', () =>
          res.statusCode === 200 ? resolve(Buffer.concat(chunks)) : reject(new Error(`image ${url}: ${res.statusCode}`)),
        )
        res.on('error', reject)
      })
      .on('error', reject)
  })
}

async function dataUrl(src: string): Promise<string> {
  if (src.startsWith('data:')) return src
  let bytes: Buffer
  if (/^https?:/.test(src)) {
    bytes = await getBytes(src)
  } else {
    bytes = fs.readFileSync(src.replace(/^wxfile:\/\//, ''))
  }
  const type = bytes[0] === 0x89 ? 'image/png' : bytes[0] === 0xff ? 'image/jpeg' : 'application/octet-stream'
  return `data:${type};base64,${bytes.toString('base64')}`
}

/** Copies the built-in elements' properties into the DOM (a clone: the page is left as it is). */
async function materialise(root: Element): Promise<Element> {
  const pairs: Array<[Element, Element]> = []
  const clone = root.cloneNode(true) as Element
  const walk = (a: Element, b: Element) => {
    pairs.push([a, b])
    for (let i = 0; i < a.children.length; i++) walk(a.children[i]!, b.children[i]!)
  }
  walk(root, clone)
  for (const [live, copy] of pairs) {
    const tag = live.tagName.toLowerCase()
    const set = (name: string, value: unknown) => {
      if ((typeof value === 'string' && value !== '') || typeof value === 'number' || value === true) copy.setAttribute(name, String(value))
    }
    set('id', prop(live, 'id'))
    if (tag === 'wx-scroll-view') {
      set('data-scroll-y', prop(live, 'scrollY'))
      set('data-scroll-x', prop(live, 'scrollX'))
      set('data-scroll-into-view', prop(live, 'scrollIntoView'))
    } else if (tag === 'wx-button') {
      set('data-type', prop(live, 'type'))
      set('data-size', prop(live, 'size'))
      set('data-disabled', prop(live, 'disabled'))
    } else if (tag === 'wx-image') {
      const src = prop(live, 'src')
      set('data-mode', prop(live, 'mode'))
      if (typeof src === 'string' && src !== '') {
        const img = copy.ownerDocument.createElement('img')
        img.setAttribute('src', await dataUrl(src))
        copy.appendChild(img)
      }
    } else if (tag === 'wx-input' || tag === 'wx-textarea') {
      const value = prop(live, 'value')
      if (typeof value === 'string' && value !== '') {
        copy.textContent = value
      } else {
        const placeholder = prop(live, 'placeholder')
        const span = copy.ownerDocument.createElement('span')
        span.textContent = typeof placeholder === 'string' ? placeholder : ''
        const cls = prop(live, 'placeholderClass')
        // placeholder-class names a class of the component the element is in: prefix it as its own classes are.
        const own = /^([-\w]+)--/.exec(live.getAttribute('class') ?? '')?.[1]
        span.setAttribute('class', typeof cls === 'string' && cls !== '' ? `${own !== undefined ? `${own}--` : ''}${cls}` : '')
        span.setAttribute('style', typeof cls === 'string' && cls !== '' ? '' : 'color: #999')
        copy.appendChild(span)
      }
    }
  }
  return clone
}

export interface PageHtmlOptions {
  /** 'dark' puts theme.json's dark navigation bar on; the WXSS's dark variables follow prefers-color-scheme (emulated by the shooter). */
  theme?: Theme
  /** The navigation bar title (app.json's, or the page json's navigationBarTitleText). */
  title?: string
}

/** The page `rel` ('pages/chat/chat') as `page` renders it now, as HTML. */
export async function pageHtml(page: OpenPage, rel: string, options: PageHtmlOptions = {}): Promise<string> {
  const theme = JSON.parse(read('theme.json')) as Record<Theme, Record<string, string>>
  const colours = theme[options.theme ?? 'light']
  const pageJson = JSON.parse(read(`${rel}.json`)) as { navigationBarTitleText?: string }
  const appJson = JSON.parse(read('app.json')) as { window: { navigationBarTitleText?: string } }
  const title = options.title ?? pageJson.navigationBarTitleText ?? appJson.window.navigationBarTitleText ?? ''
  const dom = page.comp.dom
  if (dom === undefined) throw new Error('pageHtml: the page has no DOM')
  const body = (await materialise(dom)).outerHTML
  const navText = colours.navTextStyle === 'white' ? '#fff' : '#000'
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=${SCREEN.width}">
<style>${BUILTIN_CSS}</style>
<style>${pageCss(rel)}</style>
</head><body>
<div class="nav-bar" style="position: relative; background: ${colours.navBgColor}; color: ${navText}">${escapeHtml(title)}
<div class="nav-capsule" style="color: ${navText}"><span>···</span><span>◎</span></div></div>
${body}
</body></html>`
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`)
}
