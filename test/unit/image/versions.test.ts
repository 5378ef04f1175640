import {expect} from 'chai'

import {compareVersions} from '../../../src/lib/image/versions.js'

describe('compareVersions', () => {
  it('orders releases by their numbers, not as text', () => {
    expect(compareVersions('1.4.1', '1.4.0')).to.equal(1)
    expect(compareVersions('1.3.0', '1.4.0')).to.equal(-1)
    expect(compareVersions('1.10.0', '1.9.9')).to.equal(1)
    expect(compareVersions('v1.4.0', '1.4')).to.equal(0)
    expect(compareVersions('1.4.0+build.5', '1.4.0')).to.equal(0)
  })

  it('puts a prerelease below its release, in semver order among themselves', () => {
    expect(compareVersions('1.4.0-rc.1', '1.4.0')).to.equal(-1)
    expect(compareVersions('1.4.0-rc.2', '1.4.0-rc.10')).to.equal(-1)
    expect(compareVersions('1.4.0-alpha', '1.4.0-alpha.1')).to.equal(-1)
    expect(compareVersions('1.4.0-1', '1.4.0-alpha')).to.equal(-1)
    expect(compareVersions('1.4.0-beta', '1.4.0-alpha')).to.equal(1)
  })

  it('cannot order what is no version', () => {
    expect(compareVersions('latest', '1.4.0')).to.equal(undefined)
    expect(compareVersions('1.4.0', 'dev build')).to.equal(undefined)
  })
})
