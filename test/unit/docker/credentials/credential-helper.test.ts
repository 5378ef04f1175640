import {expect} from 'chai'
import {existsSync, readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {parseHelperAnswer, runCredentialHelper} from '../../../../src/lib/docker/credentials/credential-helper.js'
import {sourceOf} from './helpers.js'
import {useTempDir} from '../../helpers/temp-dir.js'

describe('credential helpers (docker-credential-<name> get)', () => {
  let dir: string
  const temp = useTempDir('occ-helper-')
  beforeEach(() => {
    dir = temp.path
  })

  it('sends the server address on stdin and reads the answer', async () => {
    const log = join(dir, 'asked')
    const {env} = sourceOf({}, {log, secret: 's3cret', server: 'ghcr.io', username: 'me'})
    expect(await runCredentialHelper('occtest', 'ghcr.io', env)).to.deep.equal({password: 's3cret', username: 'me'})
    expect(readFileSync(log, 'utf8')).to.equal('ghcr.io\n')
  })

  it('gives nothing when the helper has none, is missing or is named like a path', async () => {
    const {env} = sourceOf({}, {secret: 's', server: 'ghcr.io', username: 'me'})
    expect(await runCredentialHelper('occtest', 'quay.io', env)).to.equal(undefined)
    expect(await runCredentialHelper('does-not-exist', 'ghcr.io', env)).to.equal(undefined)
    expect(await runCredentialHelper('../occtest', 'ghcr.io', env)).to.equal(undefined)
  })

  it('ends a helper that outlives its time, with the children it started, and gives nothing', async () => {
    const token = `${2000 + (process.pid % 1000)}.${Date.now() % 1000}`
    writeFileSync(join(dir, 'docker-credential-occhang'), `#!/bin/sh\nsleep ${token} &\nsleep ${token}\n`, {
      mode: 0o755,
    })
    const started = performance.now()
    expect(await runCredentialHelper('occhang', 'ghcr.io', {PATH: `${dir}:${process.env.PATH}`}, 300)).to.equal(
      undefined,
    )
    expect(performance.now() - started).to.be.below(2000)
    await new Promise((resolve) => setTimeout(resolve, 100))
    const left = readdirSync('/proc').filter(
      (pid) =>
        /^\d+$/.test(pid) &&
        existsSync(`/proc/${pid}/cmdline`) &&
        readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(token),
    )
    expect(left, 'helper and child killed').to.deep.equal([])
  })

  it('reads "<token>" answers as identity tokens and refuses unreadable ones', () => {
    expect(parseHelperAnswer('{"ServerURL":"x","Username":"<token>","Secret":"t"}')).to.deep.equal({identityToken: 't'})
    expect(parseHelperAnswer('{"Username":"u","Secret":""}')).to.equal(undefined)
    expect(parseHelperAnswer('credentials not found in native keychain')).to.equal(undefined)
    expect(parseHelperAnswer('null')).to.equal(undefined)
  })
})
