import {expect} from 'chai'
import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {DockerConfigError} from '../../../../src/lib/docker/cli-config.js'
import {credentialsFrom, dockerCredentials} from '../../../../src/lib/docker/credentials/index.js'
import {HELPER_DIR} from './helpers.js'
import {useTempDir} from '../../helpers/temp-dir.js'

const base64 = (text: string) => Buffer.from(text).toString('base64')

describe("the user's Docker credentials", () => {
  let dir: string
  let env: NodeJS.ProcessEnv
  const temp = useTempDir('occ-docker-config-')
  beforeEach(() => {
    dir = temp.path
    env = {
      DOCKER_CONFIG: dir,
      OCCTEST_HELPER_LOG: join(dir, 'asked'),
      OCCTEST_HELPER_SECRET: 'from-helper',
      OCCTEST_HELPER_SERVER: 'ghcr.io',
      OCCTEST_HELPER_USERNAME: 'h',
      PATH: `${HELPER_DIR}:${process.env.PATH}`,
    }
  })
  const write = (config: object) => writeFileSync(join(dir, 'config.json'), JSON.stringify(config))
  const asked = () => readFileSync(join(dir, 'asked'), 'utf8').split('\n').filter(Boolean)

  it('takes credHelpers over credsStore over auths, and falls through when one has none', async () => {
    write({
      auths: {'ghcr.io': {auth: base64('a:from-auths')}, 'quay.io': {auth: base64('q:from-auths')}},
      credHelpers: {'ghcr.io': 'occtest'},
      credsStore: 'occtest',
    })
    const credentials = credentialsFrom(env)
    expect(await credentials('ghcr.io')).to.include({password: 'from-helper'})
    // quay.io: no helper of its own, the store has none, so auths answers.
    expect(await credentials('quay.io')).to.include({password: 'from-auths', username: 'q'})
    expect(await credentials('docker.io')).to.equal(undefined)
  })

  it('looks each registry up once per process', async () => {
    write({credsStore: 'occtest'})
    const credentials = dockerCredentials(env)
    await credentials('ghcr.io')
    await credentials('ghcr.io')
    expect(dockerCredentials(env)).to.equal(credentials)
    expect(asked()).to.deep.equal(['ghcr.io'])
  })

  it('reads DOCKER_AUTH_CONFIG instead of config.json', async () => {
    write({auths: {'ghcr.io': {auth: base64('file:no')}}})
    const credentials = credentialsFrom({
      ...env,
      DOCKER_AUTH_CONFIG: JSON.stringify({auths: {'ghcr.io': {auth: base64('inline:yes')}}}),
    })
    expect(await credentials('ghcr.io')).to.deep.equal({
      from: 'auths["ghcr.io"] of DOCKER_AUTH_CONFIG',
      password: 'yes',
      username: 'inline',
    })
  })

  it('has none without any configuration, and fails clearly on a broken one', async () => {
    expect(await credentialsFrom(env)('ghcr.io')).to.equal(undefined)
    writeFileSync(join(dir, 'config.json'), '{"auths": ')
    const error = await credentialsFrom(env)('ghcr.io').catch((caught: unknown) => caught)
    expect(error).to.be.instanceOf(DockerConfigError)
    expect((error as Error).message).to.equal(
      `The Docker CLI configuration ${join(dir, 'config.json')} cannot be used: it is not valid JSON.`,
    )
  })
})
