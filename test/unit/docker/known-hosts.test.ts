import {expect} from 'chai'
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {hostKeyAlgorithms, knownHostKeys, knownHostsFiles} from '../../../src/lib/docker/known-hosts.js'
import {useTempDir} from '../helpers/temp-dir.js'

const ED25519 = 'AAAAC3NzaC1lZDI1NTE5AAAAIN3ZCHb/8hANs6jEV0EnoyhMjCnmFLRamEQrGx8Er5x4'
const RSA = Buffer.from('rsa key blob').toString('base64')
const OTHER = Buffer.from('another key').toString('base64')

describe('known_hosts', () => {
  const dir = useTempDir('occ-known-hosts-')
  const file = (text: string) => {
    const path = join(dir.path, `known_hosts_${Math.random().toString(36).slice(2)}`)
    writeFileSync(path, text)
    return path
  }

  const types = (host: string, port: number, files: string[]) =>
    knownHostKeys(host, port, files).keys.map((key) => key.type)

  it('is where ssh looks by default: ~/.ssh/known_hosts, then the system file', () => {
    expect(knownHostsFiles({HOME: '/home/me'})).to.deep.equal(['/home/me/.ssh/known_hosts', '/etc/ssh/ssh_known_hosts'])
    // UserKnownHostsFile replaces the user's file, not the system's; "none" leaves the system's alone.
    expect(knownHostsFiles({HOME: '/home/me'}, ['/k1', '/k2'])).to.deep.equal([
      '/k1',
      '/k2',
      '/etc/ssh/ssh_known_hosts',
    ])
    expect(knownHostsFiles({HOME: '/home/me'}, [])).to.deep.equal(['/etc/ssh/ssh_known_hosts'])
  })

  it('finds a host by name on port 22 and as [name]:port otherwise', () => {
    const files = [file(`build.example.com ssh-ed25519 ${ED25519}\n[build.example.com]:2222 ssh-rsa ${RSA}\n`)]
    const onDefault = knownHostKeys('build.example.com', 22, files)
    expect(onDefault.keys).to.have.length(1)
    expect(onDefault.keys[0].blob.equals(Buffer.from(ED25519, 'base64'))).to.equal(true)
    expect(types('build.example.com', 2222, files)).to.deep.equal(['ssh-rsa'])
    expect(types('build.example.com', 2200, files)).to.deep.equal([])
  })

  it('matches a hashed entry (ssh-keygen -H) only for its own host and port', () => {
    const files = [file(`|1|THRyICfl7vigfNk7/KtoWeIKKb8=|uLMaLbwnuvIPjl+6ImYsDFT/yO4= ssh-ed25519 ${ED25519}\n`)]
    expect(types('build.example.com', 2222, files)).to.deep.equal(['ssh-ed25519'])
    expect(types('build.example.com', 22, files)).to.deep.equal([])
    expect(types('other.example.com', 2222, files)).to.deep.equal([])
  })

  it('reads host lists, wildcards and negations, in any case, and skips comments, blank and broken lines', () => {
    const files = [
      file(
        `# comment\n\nbroken-line\n*.example.com,!secret.example.com ssh-ed25519 ${ED25519}\n` +
          `host?.lan,10.0.0.5 ssh-rsa ${RSA}\n`,
      ),
    ]
    expect(types('Build.Example.com', 22, files)).to.deep.equal(['ssh-ed25519'])
    expect(types('secret.example.com', 22, files)).to.deep.equal([])
    expect(types('host1.lan', 22, files)).to.deep.equal(['ssh-rsa'])
    expect(types('host12.lan', 22, files)).to.deep.equal([])
    expect(types('10.0.0.5', 22, files)).to.deep.equal(['ssh-rsa'])
    expect(types('10.0.0.50', 22, files)).to.deep.equal([])
  })

  it('keeps @revoked keys apart, ignores @cert-authority lines, reads every file and skips missing ones', () => {
    const files = [
      file(`@revoked * ssh-ed25519 ${OTHER}\n@cert-authority *.example.com ssh-rsa ${RSA}\n`),
      join(dir.path, 'missing'),
      file(`h.example.com ssh-ed25519 ${ED25519}\n`),
    ]
    const found = knownHostKeys('h.example.com', 22, files)
    expect(found.keys.map((key) => key.blob.toString('base64'))).to.deep.equal([ED25519])
    expect(found.revoked.map((key) => key.blob.toString('base64'))).to.deep.equal([OTHER])
  })

  it('offers the host key algorithms of the recorded keys, RSA with its SHA-2 signatures', () => {
    const key = (type: string) => ({blob: Buffer.alloc(0), type})
    expect(hostKeyAlgorithms([key('ssh-ed25519'), key('ssh-rsa'), key('ssh-ed25519')])).to.deep.equal([
      'ssh-ed25519',
      'rsa-sha2-512',
      'rsa-sha2-256',
      'ssh-rsa',
    ])
  })
})
