import { Drafts } from '../../console/drafts'
import { WebStorage } from '../helpers/web-storage'

describe('Drafts', () => {
  it('keeps one draft per conversation and agent, and announces changes', () => {
    const storage = new WebStorage()
    const mei = new Drafts(storage, 'a_mei')
    const li = new Drafts(storage, 'a_li')
    const changes: string[] = []
    mei.on('change', (id) => changes.push(id))
    mei.set('conv_1', '好的，')
    mei.set('conv_1', '好的，请稍等')
    mei.set('conv_2', '您好')
    expect(mei.get('conv_1')).toBe('好的，请稍等')
    expect(li.get('conv_1')).toBe('')
    expect(new Drafts(storage, 'a_mei').get('conv_2')).toBe('您好') // a reload reads the same storage
    mei.set('conv_2', '   ')
    expect(mei.get('conv_2')).toBe('')
    mei.set('conv_2', '') // nothing changed: no event
    expect(changes).toEqual(['conv_1', 'conv_1', 'conv_2', 'conv_2'])
  })

  it('forgets only its own agent on clear', () => {
    const storage = new WebStorage()
    storage.setItem('agent-console.auth', '{}')
    const mei = new Drafts(storage, 'a_mei')
    const li = new Drafts(storage, 'a_li')
    mei.set('conv_1', 'a')
    mei.set('conv_2', 'b')
    li.set('conv_1', 'c')
    mei.clear()
    expect([mei.get('conv_1'), mei.get('conv_2'), li.get('conv_1')]).toEqual(['', '', 'c'])
    expect(storage.getItem('agent-console.auth')).toBe('{}')
  })

  it('survives a storage that refuses writes', () => {
    const storage = new WebStorage()
    storage.full = true
    const drafts = new Drafts(storage, 'a_mei')
    expect(() => drafts.set('conv_1', 'x')).not.toThrow()
    expect(drafts.get('conv_1')).toBe('')
  })
})
