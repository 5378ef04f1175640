import {expect} from 'chai'
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {isEncryptedKey, readIdentityKeys, signInMethods} from '../../../src/lib/docker/ssh-keys.js'
import {useTempDir} from '../helpers/temp-dir.js'

/** An OpenSSH private key file whose body starts as ssh-keygen writes it: the magic, then the cipher's name. */
function opensshKey(cipher: string): string {
  const name = Buffer.from(cipher)
  const length = Buffer.alloc(4)
  length.writeUInt32BE(name.length)
  const body = Buffer.concat([Buffer.from('openssh-key-v1\0', 'latin1'), length, name, Buffer.alloc(32)]).toString(
    'base64',
  )
  return (
    `-----BEGIN OPENSSH PRIVATE KEY-----\n${body.match(/.{1,70}/g)?.join('\n')}\n` +
    '-----END OPENSSH PRIVATE KEY-----\n'
  )
}

describe('ssh identity keys', () => {
  const temp = useTempDir('occ-keys-')

  it('tells passphrase-protected key files from plain ones (OpenSSH and PEM formats)', () => {
    expect(isEncryptedKey(opensshKey('none'))).to.equal(false)
    expect(isEncryptedKey(opensshKey('aes256-ctr'))).to.equal(true)
    expect(
      isEncryptedKey(
        '-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\n' +
          'AAAA\n-----END RSA PRIVATE KEY-----\n',
      ),
    ).to.equal(true)
    expect(
      isEncryptedKey('-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n'),
    ).to.equal(true)
    expect(isEncryptedKey('-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n')).to.equal(false)
  })

  it('reads the files that exist, setting passphrase-protected ones apart', () => {
    const dir = temp.path
    writeFileSync(join(dir, 'plain'), opensshKey('none'))
    writeFileSync(join(dir, 'locked'), opensshKey('aes256-ctr'))
    const keys = readIdentityKeys([join(dir, 'missing'), join(dir, 'locked'), join(dir, 'plain')])
    expect(keys.encrypted).to.deep.equal([join(dir, 'locked')])
    expect(keys.usable.map((key) => key.file)).to.deep.equal([join(dir, 'plain')])
    expect(keys.usable[0].key.toString('utf8')).to.equal(opensshKey('none'))
  })

  it("offers the agent's keys first, then each usable key file, as ssh does", () => {
    const key = Buffer.from('k')
    const keys = {encrypted: ['/locked'], usable: [{file: '/a', key}]}
    expect(signInMethods('me', '/agent.sock', keys)).to.deep.equal([
      {agent: '/agent.sock', type: 'agent', username: 'me'},
      {key, type: 'publickey', username: 'me'},
    ])
    expect(signInMethods('me', undefined, keys)).to.deep.equal([{key, type: 'publickey', username: 'me'}])
    expect(signInMethods('me', undefined, {encrypted: [], usable: []})).to.deep.equal([])
  })
})
