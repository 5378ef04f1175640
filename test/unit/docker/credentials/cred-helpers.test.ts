import {expect} from 'chai'

import {CredHelpersLocator} from '../../../../src/lib/docker/credentials/cred-helpers.js'
import {sourceOf} from './helpers.js'

describe('CredHelpersLocator (config.json credHelpers)', () => {
  const locator = new CredHelpersLocator()

  it("runs the registry's own helper with docker's server address", async () => {
    const hub = sourceOf(
      {credHelpers: {'index.docker.io': 'occtest'}},
      {secret: 's', server: 'https://index.docker.io/v1/', username: 'u'},
    )
    expect(await locator.find('docker.io', hub)).to.deep.equal({
      from: 'docker-credential-occtest (credHelpers of /home/me/.docker/config.json)',
      password: 's',
      username: 'u',
    })
  })

  it('runs no helper for a registry that has none', async () => {
    const source = sourceOf({credHelpers: {'ghcr.io': 'occtest'}}, {secret: 's', server: 'quay.io', username: 'u'})
    expect(await locator.find('quay.io', source)).to.equal(undefined)
  })
})
