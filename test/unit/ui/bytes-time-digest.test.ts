import {expect} from 'chai'

import {formatBytes, formatRelativeTime, shortDigest} from '../../../src/lib/ui/bytes-time-digest.js'

describe('bytes, times and digests', () => {
  it('formats bytes in decimal units', () => {
    expect(formatBytes(0)).to.equal('0 B')
    expect(formatBytes(999)).to.equal('999 B')
    expect(formatBytes(1000)).to.equal('1.0 kB')
    expect(formatBytes(3_400_000)).to.equal('3.4 MB')
    expect(formatBytes(109_051_904)).to.equal('109.1 MB')
  })

  describe('relative time', () => {
    const now = new Date('2026-01-25T12:00:00Z')
    const ago = (seconds: number) => formatRelativeTime(new Date(now.getTime() - seconds * 1000), now)

    it('says just now for the last few seconds', () => {
      expect(ago(0)).to.equal('just now')
      expect(ago(44)).to.equal('just now')
    })

    it('picks the largest sensible unit', () => {
      expect(ago(50)).to.equal('50 seconds ago')
      expect(ago(5 * 60)).to.equal('5 minutes ago')
      expect(ago(2 * 3600)).to.equal('2 hours ago')
      expect(ago(59.8 * 60)).to.equal('1 hour ago')
      expect(ago(26 * 3600)).to.equal('yesterday')
      expect(ago(3 * 86_400)).to.equal('3 days ago')
      expect(ago(14 * 86_400)).to.equal('2 weeks ago')
      expect(ago(90 * 86_400)).to.equal('3 months ago')
      expect(ago(800 * 86_400)).to.equal('2 years ago')
    })

    it('handles times in the future (a skewed clock)', () => {
      expect(ago(-3 * 3600)).to.equal('in 3 hours')
    })
  })

  it('shortens digests and ids', () => {
    expect(shortDigest(`sha256:${'abc123def4567890'.repeat(4)}`)).to.equal('sha256:abc123def456…')
    expect(shortDigest('sha256:abc')).to.equal('sha256:abc')
    expect(shortDigest('0123456789abcdef')).to.equal('0123456789ab…')
  })
})
