import { TIME_LABEL_GAP, formatTimeLabel, shouldShowTime } from '../../../src/chat'

// Local dates, so the expectations hold in any time zone.
const at = (month: number, day: number, hour: number, minute: number, year = 2025): number =>
  new Date(year, month - 1, day, hour, minute).getTime()

describe('shouldShowTime', () => {
  const list = [{ ts: at(11, 26, 9, 0) }, { ts: at(11, 26, 9, 4) }, { ts: at(11, 26, 9, 9) }, { ts: at(11, 26, 9, 13) }]

  it('shows a label before the first message', () => {
    expect(shouldShowTime(list, 0)).toBe(true)
  })

  it('shows a label after a gap of 5 minutes or more, and not after a shorter one', () => {
    expect(list.map((_, i) => shouldShowTime(list, i))).toEqual([true, false, true, false])
  })

  it('takes the gap as an argument', () => {
    expect(shouldShowTime(list, 1, 60_000)).toBe(true)
    expect(TIME_LABEL_GAP).toBe(5 * 60 * 1000)
  })

  it('is false outside the list', () => {
    expect(shouldShowTime(list, 4)).toBe(false)
    expect(shouldShowTime([], 0)).toBe(false)
  })
})

describe('formatTimeLabel', () => {
  const now = at(11, 26, 15, 30)

  it('says 今天 with the time for today', () => {
    expect(formatTimeLabel(at(11, 26, 14, 5), now)).toBe('今天 14:05')
    expect(formatTimeLabel(at(11, 26, 0, 0), now)).toBe('今天 00:00')
  })

  it('says 昨天 for yesterday', () => {
    expect(formatTimeLabel(at(11, 25, 9, 30), now)).toBe('昨天 09:30')
    expect(formatTimeLabel(at(12, 31, 23, 59, 2024), at(1, 1, 8, 0))).toBe('昨天 23:59')
  })

  it('gives month and day earlier this year', () => {
    expect(formatTimeLabel(at(11, 3, 8, 0), now)).toBe('11月3日 08:00')
    expect(formatTimeLabel(at(1, 1, 12, 0), now)).toBe('1月1日 12:00')
  })

  it('adds the year for another year', () => {
    expect(formatTimeLabel(at(11, 3, 8, 0, 2024), now)).toBe('2024年11月3日 08:00')
  })
})
