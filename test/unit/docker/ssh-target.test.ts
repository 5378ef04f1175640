import {expect} from 'chai'
import {mkdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {resolveEngineEndpoint} from '../../../src/lib/docker/endpoint.js'
import {resolveSshTarget} from '../../../src/lib/docker/ssh-target.js'
import {useTempDir} from '../helpers/temp-dir.js'

describe('the ssh target of an ssh:// engine', () => {
  let home: string
  let config: string
  const temp = useTempDir('occ-ssh-target-')
  beforeEach(() => {
    home = temp.path
    mkdirSync(join(home, '.ssh'))
    config = join(home, '.ssh', 'config')
    writeFileSync(
      config,
      [
        'Host engine',
        '  HostName 127.0.0.1',
        '  Port 40022',
        '  User builder',
        '  IdentityFile ~/.ssh/engine_%r_%h_%p',
        '  IdentityFile /keys/%n-%u-%d-%%',
        '  UserKnownHostsFile ~/.ssh/engine_known_hosts',
        'Host *.lab',
        '  HostName %h.example.com',
        '  UserKnownHostsFile none',
        '',
      ].join('\n'),
    )
  })

  const target = (dockerHost: string) => {
    const connection = resolveEngineEndpoint({DOCKER_HOST: dockerHost}).connection
    if (connection.kind !== 'ssh') throw new Error('not ssh')
    return resolveSshTarget(connection, {env: {HOME: home}, files: [config], localUser: 'me'})
  }

  it('completes a ~/.ssh/config alias: HostName, Port, User, IdentityFile, UserKnownHostsFile, tokens expanded', () => {
    expect(target('ssh://engine')).to.deep.equal({
      host: '127.0.0.1',
      identityFiles: [join(home, '.ssh', 'engine_builder_127.0.0.1_40022'), `/keys/engine-me-${home}-%`],
      port: 40_022,
      userKnownHostsFiles: [join(home, '.ssh', 'engine_known_hosts')],
      username: 'builder',
    })
  })

  it('lets the URL win where it says something: user and port (22 too)', () => {
    expect(target('ssh://root@engine:22')).to.include({host: '127.0.0.1', port: 22, username: 'root'})
  })

  it('expands %h in HostName to the host as typed, and takes UserKnownHostsFile none as no user file', () => {
    expect(target('ssh://box.lab')).to.deep.include({
      host: 'box.lab.example.com',
      port: 22,
      userKnownHostsFiles: [],
      username: 'me',
    })
  })

  it("without a config entry: the URL as it is, the local user, and ssh's default key files", () => {
    expect(target('ssh://other:2200')).to.deep.equal({
      host: 'other',
      identityFiles: ['id_rsa', 'id_ecdsa', 'id_ed25519'].map((name) => join(home, '.ssh', name)),
      port: 2200,
      username: 'me',
    })
  })
})
