import {expect} from 'chai'

import type {LocalImage, UpdateCheckReport} from '../../../src/lib/image/check.js'

import {ImagePullError} from '../../../src/lib/image/errors.js'
import {planUpdate} from '../../../src/lib/image/update.js'

const prebuilt: LocalImage = {digests: ['sha256:d'], image_id: 'sha256:i', source: 'prebuilt', version: '25.0.0'}
const built: LocalImage = {digests: [], image_id: 'sha256:b', source: 'build', version: '25.1.3'}
const report = (result: UpdateCheckReport['result'], rest: Partial<UpdateCheckReport> = {}): UpdateCheckReport => ({
  checked_at: 't',
  local: prebuilt,
  remote: {digest: 'sha256:n', reference: 'r/x:25.1.3', repository: 'r/x', version: '25.1.3'},
  result,
  tag: '25.1.3',
  ...rest,
})
const plan = (fields: Partial<Parameters<typeof planUpdate>[0]>) =>
  planUpdate({force: false, local: prebuilt, source: 'prebuilt', wantedVersion: '25.1.3', ...fields})

describe('planUpdate', () => {
  it('pulls for prebuilt when the registry serves another image, saying which versions', () => {
    expect(plan({check: report('update-available')})).to.deep.equal({
      action: 'pull',
      reason: 'r/x:25.1.3 serves a different image than the current one (25.0.0 → 25.1.3)',
    })
    expect(plan({check: report('update-available'), local: null}).reason).to.equal('there is no sandbox image yet')
  })

  it('does nothing when up to date unless forced', () => {
    expect(plan({check: report('up-to-date')}).action).to.equal('none')
    expect(plan({force: true}).action).to.equal('pull')
  })

  it('pulls over a local build, and to be sure when the registries could not be asked', () => {
    expect(plan({check: report('built-locally')}).action).to.equal('pull')
    expect(plan({check: report('unknown', {reason: 'down'})})).to.deep.equal({
      action: 'pull',
      reason: 'the registries could not be asked (down); pulling to be sure',
    })
  })

  it('fails with the pull error when the tag is published nowhere', () => {
    expect(() => plan({check: report('not-published', {failures: []})})).to.throw(ImagePullError)
  })

  it('builds for build unless the current image is already a build of the wanted version', () => {
    expect(plan({local: built, source: 'build'}).action).to.equal('none')
    expect(plan({force: true, local: built, source: 'build'}).action).to.equal('build')
    expect(plan({local: {...built, version: '25.0.0'}, source: 'build'}).reason).to.equal(
      'the built image is 25.0.0 and this occ wants 25.1.3',
    )
    expect(plan({local: prebuilt, source: 'build'}).reason).to.equal(
      'the current image is prebuilt and image_source is build',
    )
    expect(plan({local: null, source: 'build'}).action).to.equal('build')
  })
})
