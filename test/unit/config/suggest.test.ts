import {expect} from 'chai'

import {typoOf} from '../../../src/lib/config/suggest.js'
import {levenshtein} from '../../../src/lib/did-you-mean.js'

describe('did-you-mean', () => {
  it('counts edits', () => {
    expect(levenshtein('', '')).to.equal(0)
    expect(levenshtein('kitten', 'sitting')).to.equal(3)
    expect(levenshtein('abc', '')).to.equal(3)
  })

  it('suggests the closest key, through aliases too', () => {
    expect(typoOf('imge_source')).to.equal('image_source')
    expect(typoOf('IMAGE_SOURSE')).to.equal('image_source')
    expect(typoOf('prot')).to.equal('opencode_web_port')
    expect(typoOf('cockpit_enable')).to.equal('cockpit_enabled')
    expect(typoOf('update_checks')).to.equal('update_check')
    expect(typoOf('mount')).to.equal('mounts')
  })

  it('calls a name a typo only when it is close to a key', () => {
    expect(typoOf('hello_greeting')).to.equal(undefined)
    expect(typoOf('bogus')).to.equal(undefined)
  })
})
