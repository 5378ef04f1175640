import {expect} from 'chai'
import {mkdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {splitLine, sshConfigFiles, sshHostConfig} from '../../../src/lib/docker/ssh-config.js'
import {useTempDir} from '../helpers/temp-dir.js'

describe('ssh_config, read as ssh reads it', () => {
  let home: string
  let file: string
  const temp = useTempDir('occ-ssh-config-')
  beforeEach(() => {
    home = temp.path
    mkdirSync(join(home, '.ssh'))
    file = join(home, '.ssh', 'config')
  })

  const configFor = (host: string, text: string, files: string[] = [file]) => {
    writeFileSync(file, text)
    return sshHostConfig(host, files, home)
  }

  it('is ~/.ssh/config, then the system file', () => {
    expect(sshConfigFiles({HOME: '/home/me'})).to.deep.equal(['/home/me/.ssh/config', '/etc/ssh/ssh_config'])
  })

  it('applies the blocks whose Host patterns match, the first value winning, IdentityFile adding up', () => {
    const text = [
      '# engines',
      'Host build',
      '  HostName 10.0.0.5',
      '  Port 2222',
      '  IdentityFile ~/.ssh/build_key',
      '  UserKnownHostsFile ~/.ssh/build_known_hosts /etc/build_hosts',
      'Host build other',
      '  Port 2200',
      '  User deploy',
      'Host *',
      '  User nobody',
      '  IdentityFile ~/.ssh/id_ed25519',
      '',
    ].join('\n')
    expect(configFor('build', text)).to.deep.equal({
      hostName: '10.0.0.5',
      identityFiles: ['~/.ssh/build_key', '~/.ssh/id_ed25519'],
      port: 2222,
      user: 'deploy',
      userKnownHostsFiles: ['~/.ssh/build_known_hosts', '/etc/build_hosts'],
    })
    expect(configFor('OTHER', text)).to.deep.equal({identityFiles: ['~/.ssh/id_ed25519'], port: 2200, user: 'deploy'})
    expect(configFor('elsewhere', text)).to.deep.equal({identityFiles: ['~/.ssh/id_ed25519'], user: 'nobody'})
  })

  it('reads wildcards and negations in Host, and settings before any Host for every host', () => {
    const text = ['Port 2022', 'Host *.prod !db.prod', '  User ops', 'Host db?.lab', '  User lab', ''].join('\n')
    expect(configFor('web.prod', text)).to.deep.equal({identityFiles: [], port: 2022, user: 'ops'})
    expect(configFor('db.prod', text)).to.deep.equal({identityFiles: [], port: 2022})
    expect(configFor('db1.lab', text).user).to.equal('lab')
    expect(configFor('db12.lab', text).user).to.equal(undefined)
  })

  it('takes Key=value, any case, quoted values, and comments', () => {
    const text = [
      'HOST=box',
      '  hostname = 192.0.2.1 # the lab box',
      '  IdentityFile "/keys/my key"',
      '  port=2201',
      '',
    ].join('\n')
    expect(configFor('box', text)).to.deep.equal({hostName: '192.0.2.1', identityFiles: ['/keys/my key'], port: 2201})
    expect(splitLine('   # all comment')).to.deep.equal([])
    expect(splitLine('')).to.deep.equal([])
  })

  it('reads Match all and Match host/originalhost, and skips Match blocks with criteria it does not evaluate', () => {
    const text = [
      'Host alias',
      '  HostName real.example.com',
      'Match exec "true"',
      '  User never',
      'Match host real.example.com',
      '  Port 2300',
      'Match !originalhost alias',
      '  User notalias',
      'Match all',
      '  User everyone',
      '',
    ].join('\n')
    expect(configFor('alias', text)).to.deep.equal({
      hostName: 'real.example.com',
      identityFiles: [],
      port: 2300,
      user: 'everyone',
    })
    expect(configFor('other', text)).to.deep.equal({identityFiles: [], user: 'notalias'})
  })

  it('follows Include, relative to ~/.ssh and with wildcards, inside the block that holds it', () => {
    mkdirSync(join(home, '.ssh', 'conf.d'))
    writeFileSync(join(home, '.ssh', 'conf.d', 'a.conf'), 'Host colima\n  Port 60022\n')
    writeFileSync(join(home, '.ssh', 'conf.d', 'b.conf'), 'Host colima\n  Port 1\n  User b\n')
    writeFileSync(join(home, '.ssh', 'conf.d', 'ignored.txt'), 'Host *\n  User txt\n')
    writeFileSync(join(home, 'extra'), 'User extra\n')
    const text = ['Include conf.d/*.conf', 'Host box', '  Include ~/extra', ''].join('\n')
    expect(configFor('colima', text)).to.deep.equal({identityFiles: [], port: 60_022, user: 'b'})
    expect(configFor('box', text)).to.deep.equal({identityFiles: [], user: 'extra'})
    expect(configFor('neither', text)).to.deep.equal({identityFiles: []})
  })

  it('reads the files in order, the first value winning, and skips missing files and a self-including one', () => {
    const system = join(home, 'ssh_config')
    writeFileSync(system, 'Host *\n  User system\n  Port 2022\n')
    expect(configFor('h', 'Host h\n  Port 22\n', [file, join(home, 'missing'), system])).to.deep.equal({
      identityFiles: [],
      port: 22,
      user: 'system',
    })
    expect(configFor('h', `Include ${file}\nUser me\n`)).to.include({user: 'me'})
  })
})
