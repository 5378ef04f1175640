import {expect} from 'chai'

import {DockerConfigError} from '../../../../src/lib/docker/cli-config.js'
import {AuthsLocator} from '../../../../src/lib/docker/credentials/auths.js'
import {sourceOf} from './helpers.js'

const base64 = (text: string) => Buffer.from(text).toString('base64')

describe('AuthsLocator (config.json auths)', () => {
  const locator = new AuthsLocator()

  it('decodes auth (base64 user:password; the password may hold colons)', async () => {
    const source = sourceOf({auths: {'127.0.0.1:5000': {auth: base64('me:pa:ss')}}})
    expect(await locator.find('127.0.0.1:5000', source)).to.deep.equal({
      from: 'auths["127.0.0.1:5000"] of /home/me/.docker/config.json',
      password: 'pa:ss',
      username: 'me',
    })
  })

  it('reads username/password fields and identity tokens', async () => {
    expect(
      await locator.find('ghcr.io', sourceOf({auths: {'https://ghcr.io': {password: 'p', username: 'u'}}})),
    ).to.include({password: 'p', username: 'u'})
    expect(
      await locator.find('docker.io', sourceOf({auths: {'https://index.docker.io/v1/': {identitytoken: 't'}}})),
    ).to.include({identityToken: 't'})
  })

  it('has nothing for another registry, or for an entry without a secret', async () => {
    const source = sourceOf({auths: {'ghcr.io': {auth: base64('u:p')}, 'quay.io': {}}})
    expect(await locator.find('ghcr.io:443', source)).to.equal(undefined)
    expect(await locator.find('docker.io', source)).to.equal(undefined)
    expect(await locator.find('quay.io', source)).to.equal(undefined)
  })

  it('refuses an auth that is not user:password, without echoing it', async () => {
    const error = await locator
      .find('ghcr.io', sourceOf({auths: {'ghcr.io': {auth: base64('nocolon')}}}))
      .catch((caught: unknown) => caught)
    expect(error).to.be.instanceOf(DockerConfigError)
    expect((error as Error).message).to.not.include('nocolon')
    expect((error as DockerConfigError).exitCode).to.equal(3)
  })
})
