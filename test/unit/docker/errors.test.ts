import {expect} from 'chai'

import {
  EngineRequestError,
  EngineSshError,
  EngineTlsError,
  EngineUnreachableError,
  engineMessageOf,
  engineStatusOf,
  hostKeyMismatch,
  hostKeyUnknown,
  sshKeysNeedPassphrase,
  toEngineError,
} from '../../../src/lib/docker/errors.js'
import {OccError} from '../../../src/lib/errors.js'

const socketError = (code: string) => Object.assign(new Error(`connect ${code} /x.sock`), {code})

describe('engine error classification', () => {
  for (const [code, words] of [
    ['ENOENT', 'no such socket'],
    ['ECONNREFUSED', 'connection refused'],
    ['EACCES', 'permission denied'],
  ] as const) {
    it(`maps ${code} to "engine unreachable" naming the endpoint`, () => {
      const error = toEngineError(socketError(code), 'unix:///x.sock')
      expect(error).to.be.instanceOf(EngineUnreachableError)
      const occ = error as EngineUnreachableError
      expect(occ.message).to.equal(`Cannot reach the Docker engine at unix:///x.sock: ${words}.`)
      expect(occ.exitCode).to.equal(4)
      expect(occ.suggestion).to.match(code === 'EACCES' ? /docker" group/ : /Start Docker|DOCKER_HOST/)
    })
  }

  it('says "start Docker Desktop" on macOS and Windows, systemctl elsewhere', () => {
    const hint = (platform: NodeJS.Platform, code: 'EACCES' | 'ENOENT' = 'ENOENT') =>
      new EngineUnreachableError('unix:///x.sock', code, undefined, {platform}).suggestion
    expect(hint('darwin'))
      .to.match(/^Start Docker Desktop /)
      .and.not.include('systemctl')
    expect(hint('win32'))
      .to.match(/^Start Docker Desktop, /)
      .and.not.include('systemctl')
    expect(hint('linux')).to.include('sudo systemctl start docker')
    expect(hint('win32', 'EACCES')).to.include('"docker-users" group')
    expect(hint('darwin', 'EACCES')).to.not.include('"docker" group')
    expect(hint('linux', 'EACCES')).to.include('"docker" group')
  })

  it('maps an HTTP answer to EngineRequestError with the engine message', () => {
    const modemError = Object.assign(new Error('(HTTP code 404) no such image - x'), {
      json: {message: 'No such image: x'},
      statusCode: 404,
    })
    const error = toEngineError(modemError, 'unix:///x.sock') as EngineRequestError
    expect(error).to.be.instanceOf(EngineRequestError)
    expect(error.statusCode).to.equal(404)
    expect(error.engineMessage).to.equal('No such image: x')
    expect(engineStatusOf(modemError)).to.equal(404)
  })

  it('maps certificate and TLS protocol failures to EngineTlsError naming the endpoint', () => {
    for (const [code, words] of [
      ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', "the engine's certificate is not signed by the CA in ca.pem"],
      ['DEPTH_ZERO_SELF_SIGNED_CERT', "the engine's certificate is not signed by the CA in ca.pem"],
      ['ERR_TLS_CERT_ALTNAME_INVALID', "the engine's certificate is not made out to this host"],
      [
        'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE',
        "the engine refused occ's client certificate (cert.pem is missing or not signed by a CA the engine trusts)",
      ],
      ['ERR_SSL_WRONG_VERSION_NUMBER', 'wrong version number'],
      ['EPROTO', 'handshake went wrong'],
    ]) {
      const raw = Object.assign(
        new Error('handshake went wrong\nmore'),
        {code},
        code === 'ERR_SSL_WRONG_VERSION_NUMBER' ? {reason: 'wrong version number'} : {},
      )
      const error = toEngineError(raw, 'tcp://h:2376 (context c)')
      expect(error, code).to.be.instanceOf(EngineTlsError)
      expect((error as EngineTlsError).message).to.equal(
        `The TLS handshake with the Docker engine at tcp://h:2376 (context c) failed: ${words} (${code}).`,
      )
      expect((error as EngineTlsError).exitCode).to.equal(4)
    }
  })

  it('explains a plain HTTP request to a TLS port', () => {
    const answer = Object.assign(new Error('(HTTP code 400) unexpected'), {
      json: 'Client sent an HTTP request to an HTTPS server.\n',
      statusCode: 400,
    })
    const error = toEngineError(answer, 'tcp://h:2376') as EngineTlsError
    expect(error).to.be.instanceOf(EngineTlsError)
    expect(error.message).to.include('the engine expects TLS, but occ spoke plain HTTP (set DOCKER_TLS_VERIFY=1)')
  })

  it('names the known_hosts file ~/.ssh/config sets, and the sign-in to run as the user typed the host', () => {
    const dialled = {host: '127.0.0.1', port: 40_022, username: 'builder'}
    const typed = {host: 'engine', port: 22}
    const unknown = hostKeyUnknown('ssh://engine', dialled, {file: '/home/me/.ssh/engine_hosts', typed})
    expect([unknown.message, unknown.suggestion]).to.deep.equal([
      'The ssh connection to the Docker engine at ssh://engine failed: ' +
        '[127.0.0.1]:40022 is not in /home/me/.ssh/engine_hosts, so its key cannot be checked.',
      'Check the host\'s key and record it by signing in once with "ssh engine", then try again.',
    ])
    expect(
      hostKeyMismatch('ssh://engine', dialled, undefined, {file: '/home/me/.ssh/engine_hosts', typed}).suggestion,
    ).to.include(`"ssh-keygen -f /home/me/.ssh/engine_hosts -R '[127.0.0.1]:40022'"`)
    expect(hostKeyUnknown('ssh://me@h:2', {host: 'h', port: 2, username: 'me'}).message).to.include(
      '[h]:2 is not in ~/.ssh/known_hosts',
    )
  })

  it('names a passphrase-protected key file and suggests the agent', () => {
    const only = sshKeysNeedPassphrase('ssh://h', ['/home/me/.ssh/id_ed25519'])
    expect(only.message).to.equal(
      'The ssh connection to the Docker engine at ssh://h failed: ' +
        'the key /home/me/.ssh/id_ed25519 is protected by a passphrase, which occ cannot ask for.',
    )
    expect(only.suggestion).to.include('"ssh-add /home/me/.ssh/id_ed25519"').and.include('SSH_AUTH_SOCK')
    expect(sshKeysNeedPassphrase('ssh://h', ['/a', '/b'], new Error('refused')).message).to.include(
      'the keys /a, /b are protected by a passphrase, which occ cannot ask for, and the host accepted no other key.',
    )
  })

  it('maps ssh failures by their level, a missing agent socket included (ENOENT, yet no engine socket)', () => {
    const ssh = (level: string, message: string, code?: string) =>
      toEngineError(Object.assign(new Error(message), {level, ...(code ? {code} : {})}), 'ssh://me@h') as EngineSshError
    const refused = ssh('client-authentication', 'All configured authentication methods failed')
    expect(refused).to.be.instanceOf(EngineSshError)
    expect([refused.exitCode, refused.code, refused.message]).to.deep.equal([
      4,
      'engine_ssh_failed',
      'The ssh connection to the Docker engine at ssh://me@h failed: ' +
        "the host accepted none of the keys occ offered (your ssh agent's, then your identity files').",
    ])
    expect(ssh('agent', 'Failed to connect to agent', 'ENOENT').message).to.equal(
      'The ssh connection to the Docker engine at ssh://me@h failed: ' +
        'the ssh agent could not be used (Failed to connect to agent).',
    )
    expect(ssh('handshake', 'no matching host key format').message).to.include(
      'the ssh handshake failed (no matching host key format)',
    )
    expect(ssh('client-socket', 'connect ECONNREFUSED', 'ECONNREFUSED')).to.be.instanceOf(EngineUnreachableError)
  })

  it('keeps OccErrors and unknown errors as they are', () => {
    const occ = new OccError('state', 'x', 'y')
    expect(toEngineError(occ, 'e')).to.equal(occ)
    const plain = new Error('plain')
    expect(toEngineError(plain, 'e')).to.equal(plain)
  })

  it('reads the engine message from JSON, text or the error itself', () => {
    expect(engineMessageOf({json: {message: 'm'}})).to.equal('m')
    expect(engineMessageOf({json: ' text \n'})).to.equal('text')
    expect(engineMessageOf(new Error('e'))).to.equal('e')
    const streamed = Object.assign(
      new Error('(HTTP code 500) server error - Get "http://h/v2/": dial tcp: connection refused '),
      {json: null, statusCode: 500},
    )
    expect(engineMessageOf(streamed)).to.equal('Get "http://h/v2/": dial tcp: connection refused')
  })
})
