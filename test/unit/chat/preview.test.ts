import { previewText } from '../../../src/chat'

describe('previewText', () => {
  it('is empty without a message', () => {
    expect(previewText(null)).toBe('')
  })

  it('says [图片] for an image', () => {
    expect(previewText({ kind: 'image' })).toBe('[图片]')
  })

  it('puts text on one line', () => {
    expect(previewText({ kind: 'text', text: '  你好\n\n请问  在吗 ' })).toBe('你好 请问 在吗')
  })

  it('cuts long text by characters, never inside an emoji', () => {
    expect(previewText({ kind: 'text', text: '😀😀😀😀' }, 3)).toBe('😀😀😀…')
    expect(previewText({ kind: 'text', text: 'abc' }, 3)).toBe('abc')
  })
})
