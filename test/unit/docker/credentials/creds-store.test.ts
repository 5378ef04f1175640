import {expect} from 'chai'

import {CredsStoreLocator} from '../../../../src/lib/docker/credentials/creds-store.js'
import {sourceOf} from './helpers.js'

describe('CredsStoreLocator (config.json credsStore)', () => {
  const locator = new CredsStoreLocator()

  it('asks the store about any registry', async () => {
    const source = sourceOf({credsStore: 'occtest'}, {secret: 's', server: '127.0.0.1:5000', username: 'u'})
    expect(await locator.find('127.0.0.1:5000', source)).to.include({
      from: 'docker-credential-occtest (credsStore of /home/me/.docker/config.json)',
      password: 's',
    })
    expect(await locator.find('127.0.0.1:5001', source)).to.equal(undefined)
  })

  it('has nothing without a store', async () => {
    expect(await locator.find('ghcr.io', sourceOf({}))).to.equal(undefined)
  })
})
