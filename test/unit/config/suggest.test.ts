import {expect} from 'chai'

import {closestKey, levenshtein, typoOf} from '../../../src/lib/config/suggest.js'

describe('did-you-mean', () => {
  it('counts edits', () => {
    expect(levenshtein('', '')).to.equal(0)
    expect(levenshtein('kitten', 'sitting')).to.equal(3)
    expect(levenshtein('abc', '')).to.equal(3)
  })

  it('suggests the closest key, through aliases too', () => {
    expect(closestKey('imge_source')).to.equal('image_source')
    expect(closestKey('IMAGE_SOURSE')).to.equal('image_source')
    expect(closestKey('prot')).to.equal('opencode_web_port')
    expect(closestKey('cockpit_enable')).to.equal('cockpit_enabled')
    expect(closestKey('update_checks')).to.equal('update_check')
    expect(closestKey('mount')).to.equal('mounts')
  })

  it('calls a name a typo only when it is close to a key', () => {
    expect(typoOf('imge_source')).to.equal('image_source')
    expect(typoOf('prot')).to.equal('opencode_web_port')
    expect(typoOf('hello_greeting')).to.equal(undefined)
    expect(typoOf('bogus')).to.equal(undefined)
  })
})
