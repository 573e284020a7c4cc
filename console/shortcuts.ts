/**
 * The console's keyboard shortcuts, one table for the handler and the help popover.
 * Alt combinations work while typing (they type nothing useful in a reply); `?` only outside
 * text fields. `e.code` is read for letters, so a keyboard layout or Option on a Mac does not change them.
 */
export type ShortcutAction = 'previous' | 'next' | 'accept-first' | 'focus-composer' | 'canned' | 'history' | 'help'

export interface Shortcut {
  action: ShortcutAction
  keys: string
  label: string
}

export const SHORTCUTS: readonly Shortcut[] = [
  { action: 'previous', keys: 'Alt + ↑', label: '上一个会话' },
  { action: 'next', keys: 'Alt + ↓', label: '下一个会话' },
  { action: 'accept-first', keys: 'Alt + Enter', label: '接入第一个待接入的会话' },
  { action: 'focus-composer', keys: 'Alt + I', label: '聚焦回复框' },
  { action: 'canned', keys: '/', label: '在回复框开头输入 /：快捷回复' },
  { action: 'history', keys: 'Alt + H', label: '历史会话 / 返回工作台' },
  { action: 'help', keys: '?', label: '显示快捷键' },
]

function typing(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null
  return el !== null && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable)
}

/** The action a keydown means, or null. */
export function shortcutOf(e: KeyboardEvent): ShortcutAction | null {
  if (e.isComposing || e.ctrlKey || e.metaKey) return null
  if (e.altKey && !e.shiftKey) {
    if (e.key === 'ArrowUp') return 'previous'
    if (e.key === 'ArrowDown') return 'next'
    if (e.key === 'Enter') return 'accept-first'
    if (e.code === 'KeyI') return 'focus-composer'
    if (e.code === 'KeyH') return 'history'
    return null
  }
  if (!e.altKey && e.key === '?' && !typing(e.target)) return 'help'
  return null
}
