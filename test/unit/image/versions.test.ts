import {expect} from 'chai'

import {compareVersions} from '../../../src/lib/image/versions.js'

describe('compareVersions', () => {
  it('orders releases by their numbers, not as text', () => {
    expect(compareVersions('25.1.4', '25.1.3')).to.equal(1)
    expect(compareVersions('25.0.0', '25.1.3')).to.equal(-1)
    expect(compareVersions('1.10.0', '1.9.9')).to.equal(1)
    expect(compareVersions('v25.1.0', '25.1')).to.equal(0)
    expect(compareVersions('25.1.3+build.5', '25.1.3')).to.equal(0)
  })

  it('puts a prerelease below its release, in semver order among themselves', () => {
    expect(compareVersions('25.1.3-rc.1', '25.1.3')).to.equal(-1)
    expect(compareVersions('25.1.3-rc.2', '25.1.3-rc.10')).to.equal(-1)
    expect(compareVersions('25.1.3-alpha', '25.1.3-alpha.1')).to.equal(-1)
    expect(compareVersions('25.1.3-1', '25.1.3-alpha')).to.equal(-1)
    expect(compareVersions('25.1.3-beta', '25.1.3-alpha')).to.equal(1)
  })

  it('cannot order what is no version', () => {
    expect(compareVersions('latest', '25.1.3')).to.equal(undefined)
    expect(compareVersions('25.1.3', 'dev build')).to.equal(undefined)
  })
})
