import {expect} from 'chai'

import {printable} from '../../src/lib/printable.js'

describe('printable', () => {
  it('keeps plain text as it is', () => {
    expect(printable('v25.1.3 — prebuilt (sha256:abc…)')).to.equal('v25.1.3 — prebuilt (sha256:abc…)')
  })

  it('drops escape sequences: colours, cursor moves, window titles (BEL or ST ended, or never), C1 forms', () => {
    expect(printable('25.1.4\u001B]0;pwned\u0007\u001B[2J\u001B[1;1HError')).to.equal('25.1.4Error')
    expect(printable('a\u001B[31mred\u001B[0m b\u001B]8;;http://x\u001B\\link\u001B]8;;\u001B\\')).to.equal(
      'ared blink',
    )
    expect(printable('x\u009B31my\u009D0;title\u009Cz')).to.equal('xyz')
    expect(printable('a\u001B(Bb\u001BMc\u001B')).to.equal('abc')
    expect(printable('keep\u001B]0;swallowed to the end')).to.equal('keep')
  })

  it('shows other controls and bidi overrides as U+FFFD; tabs and newlines as spaces unless lines are kept', () => {
    expect(printable('a\u0000b\u007Fc\u0085d\u202Ee')).to.equal('a\uFFFDb\uFFFDc\uFFFDd\uFFFDe')
    expect(printable('one\ntwo\tthree\rfour')).to.equal('one two three four')
    expect(printable('one\ntwo\tthree\rfour', {lines: true})).to.equal('one\ntwo\tthree four')
  })

  it('cuts a flood of text off at 2000 characters', () => {
    expect(printable('x'.repeat(5000))).to.equal(`${'x'.repeat(2000)}…`)
    expect(printable('é'.repeat(2000))).to.equal('é'.repeat(2000))
  })
})
