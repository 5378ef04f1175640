import {expect} from 'chai'
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {parseHelperAnswer, runCredentialHelper} from '../../../../src/lib/docker/credentials/credential-helper.js'
import {sourceOf} from './helpers.js'

describe('credential helpers (docker-credential-<name> get)', () => {
  let dir: string
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'occ-helper-'))
  })
  afterEach(() => rmSync(dir, {force: true, recursive: true}))

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

  it('reads "<token>" answers as identity tokens and refuses unreadable ones', () => {
    expect(parseHelperAnswer('{"ServerURL":"x","Username":"<token>","Secret":"t"}')).to.deep.equal({identityToken: 't'})
    expect(parseHelperAnswer('{"Username":"u","Secret":""}')).to.equal(undefined)
    expect(parseHelperAnswer('credentials not found in native keychain')).to.equal(undefined)
    expect(parseHelperAnswer('null')).to.equal(undefined)
  })
})
