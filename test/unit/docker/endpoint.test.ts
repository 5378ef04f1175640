import {expect} from 'chai'
import {createHash} from 'node:crypto'
import {existsSync, mkdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {contextId, describeEndpoint, isDefaultEngine, resolveEngineEndpoint} from '../../../src/lib/docker/endpoint.js'
import {EngineEndpointError} from '../../../src/lib/docker/errors.js'
import {useTempDir} from '../helpers/temp-dir.js'

/** A $DOCKER_CONFIG with an optional config.json and contexts, as the docker CLI lays them out. */
function dockerConfig(
  dir: string,
  files: {config?: object; contexts?: Record<string, {host: string; skipTlsVerify?: boolean; tls?: string[]}>},
) {
  mkdirSync(dir, {recursive: true})
  if (files.config) writeFileSync(join(dir, 'config.json'), JSON.stringify(files.config))
  for (const [name, context] of Object.entries(files.contexts ?? {})) {
    const id = createHash('sha256').update(name).digest('hex')
    mkdirSync(join(dir, 'contexts', 'meta', id), {recursive: true})
    writeFileSync(
      join(dir, 'contexts', 'meta', id, 'meta.json'),
      JSON.stringify({
        Endpoints: {docker: {Host: context.host, SkipTLSVerify: context.skipTlsVerify ?? false}},
        Metadata: {},
        Name: name,
      }),
    )
    for (const file of context.tls ?? []) {
      mkdirSync(join(dir, 'contexts', 'tls', id, 'docker'), {recursive: true})
      writeFileSync(join(dir, 'contexts', 'tls', id, 'docker', file), 'pem')
    }
  }

  return dir
}

describe('resolveEngineEndpoint', () => {
  const temp = useTempDir('occ-docker-config-')
  let made = 0
  const config = (files: Parameters<typeof dockerConfig>[1]) => dockerConfig(join(temp.path, `config-${made++}`), files)

  it('uses the default socket without DOCKER_HOST, DOCKER_CONTEXT or a current context', () => {
    const empty = config({})
    expect(resolveEngineEndpoint({DOCKER_CONFIG: empty})).to.deep.equal({
      connection: {kind: 'socket', socketPath: '/var/run/docker.sock'},
      source: 'default',
      uri: 'unix:///var/run/docker.sock',
    })
    expect(resolveEngineEndpoint({DOCKER_CONFIG: empty, DOCKER_HOST: '  '}).source).to.equal('default')
  })

  it('reads a unix socket from DOCKER_HOST and names it as given', () => {
    expect(resolveEngineEndpoint({DOCKER_HOST: 'unix:///tmp/x/docker.sock'})).to.deep.equal({
      connection: {kind: 'socket', socketPath: '/tmp/x/docker.sock'},
      source: 'DOCKER_HOST',
      uri: 'unix:///tmp/x/docker.sock',
    })
  })

  it('reads unix:// like the docker CLI: the rest is the literal path, relative to the cwd; one URI per socket', () => {
    const socket = (host: string) => resolveEngineEndpoint({DOCKER_HOST: host})
    expect(socket('unix://docker.sock')).to.deep.include({
      connection: {kind: 'socket', socketPath: join(process.cwd(), 'docker.sock')},
      uri: `unix://${join(process.cwd(), 'docker.sock')}`,
    })
    expect(socket('unix://tmp/x.sock').uri).to.equal(`unix://${join(process.cwd(), 'tmp', 'x.sock')}`)
    for (const same of ['unix:///s/', 'unix:////s', 'unix:///t/../s', 'unix:///./s'])
      expect(socket(same).uri, same).to.equal('unix:///s')
    expect(socket('unix:///tmp/a%20b%zz.sock').connection).to.deep.equal({
      kind: 'socket',
      socketPath: '/tmp/a%20b%zz.sock',
    })
    expect(socket('unix://').uri).to.equal('unix:///var/run/docker.sock')
  })

  it('takes a host without a scheme as tcp://, as docker does', () => {
    expect(resolveEngineEndpoint({DOCKER_HOST: '10.0.0.5:2375'})).to.deep.include({
      connection: {host: '10.0.0.5', kind: 'tcp', port: 2375},
      uri: 'tcp://10.0.0.5:2375',
    })
  })

  it('reads tcp:// with and without a port, IPv6 included, into a canonical URI', () => {
    expect(resolveEngineEndpoint({DOCKER_HOST: 'tcp://127.0.0.1:2376'})).to.deep.include({
      connection: {host: '127.0.0.1', kind: 'tcp', port: 2376},
      uri: 'tcp://127.0.0.1:2376',
    })
    expect(resolveEngineEndpoint({DOCKER_HOST: 'tcp://docker.local'})).to.deep.include({
      connection: {host: 'docker.local', kind: 'tcp', port: 2375},
      uri: 'tcp://docker.local:2375',
    })
    expect(resolveEngineEndpoint({DOCKER_HOST: 'tcp://[::1]:2375'})).to.deep.include({
      connection: {host: '::1', kind: 'tcp', port: 2375},
      uri: 'tcp://[::1]:2375',
    })
  })

  it('adds TLS from DOCKER_TLS_VERIFY and DOCKER_CERT_PATH, sending a client certificate only if there is one', () => {
    const certs = join(temp.path, 'certs')
    mkdirSync(certs)
    expect(
      resolveEngineEndpoint({DOCKER_CERT_PATH: certs, DOCKER_HOST: 'tcp://10.0.0.5', DOCKER_TLS_VERIFY: '1'})
        .connection,
    ).to.deep.equal({
      host: '10.0.0.5',
      kind: 'tcp',
      port: 2376,
      tls: {ca: join(certs, 'ca.pem'), verify: true},
    })
    writeFileSync(join(certs, 'cert.pem'), 'pem')
    writeFileSync(join(certs, 'key.pem'), 'pem')
    expect(
      resolveEngineEndpoint({DOCKER_CERT_PATH: certs, DOCKER_HOST: 'tcp://10.0.0.5:2376', DOCKER_TLS_VERIFY: '1'})
        .connection,
    ).to.deep.include({
      tls: {ca: join(certs, 'ca.pem'), cert: join(certs, 'cert.pem'), key: join(certs, 'key.pem'), verify: true},
    })
    // DOCKER_TLS alone: TLS without checking the engine's certificate; no CA needed.
    expect(
      resolveEngineEndpoint({DOCKER_CERT_PATH: certs, DOCKER_HOST: 'tcp://10.0.0.5:2376', DOCKER_TLS: '1'}).connection,
    ).to.deep.include({
      tls: {cert: join(certs, 'cert.pem'), key: join(certs, 'key.pem'), verify: false},
    })
  })

  it('defaults the certificate directory to $DOCKER_CONFIG, like docker', () => {
    const dir = config({})
    expect(
      resolveEngineEndpoint({DOCKER_CONFIG: dir, DOCKER_HOST: 'tcp://h:1', DOCKER_TLS_VERIFY: '1'}).connection,
    ).to.deep.include({tls: {ca: join(dir, 'ca.pem'), verify: true}})
    expect(
      resolveEngineEndpoint({DOCKER_CONFIG: dir, DOCKER_HOST: 'tcp://h:1', DOCKER_TLS_VERIFY: ''}).connection,
    ).to.not.have.property('tls')
  })

  it('reads ssh://user@host[:port]', () => {
    expect(resolveEngineEndpoint({DOCKER_HOST: 'ssh://me@build.example.com'})).to.deep.include({
      connection: {defaultPort: true, host: 'build.example.com', kind: 'ssh', port: 22, username: 'me'},
      uri: 'ssh://me@build.example.com',
    })
    // A port in the URL, 22 included, wins over ~/.ssh/config's Port (as "ssh -p" does).
    expect(resolveEngineEndpoint({DOCKER_HOST: 'ssh://me@build.example.com:22'}).connection).to.not.have.property(
      'defaultPort',
    )
    expect(resolveEngineEndpoint({DOCKER_HOST: 'ssh://build.example.com:2222'})).to.deep.include({
      connection: {host: 'build.example.com', kind: 'ssh', port: 2222},
      uri: 'ssh://build.example.com:2222',
    })
  })

  it('finds the context DOCKER_CONTEXT names in the context store, with its TLS files', () => {
    const dir = config({contexts: {remote: {host: 'tcp://10.1.2.3:2376', tls: ['ca.pem', 'cert.pem', 'key.pem']}}})
    const tlsDir = join(dir, 'contexts', 'tls', contextId('remote'), 'docker')
    expect(resolveEngineEndpoint({DOCKER_CONFIG: dir, DOCKER_CONTEXT: 'remote'})).to.deep.equal({
      connection: {
        host: '10.1.2.3',
        kind: 'tcp',
        port: 2376,
        tls: {ca: join(tlsDir, 'ca.pem'), cert: join(tlsDir, 'cert.pem'), key: join(tlsDir, 'key.pem'), verify: true},
      },
      context: 'remote',
      source: 'DOCKER_CONTEXT',
      uri: 'tcp://10.1.2.3:2376',
    })
  })

  it("uses config.json's currentContext when DOCKER_CONTEXT is unset, and DOCKER_HOST before both", () => {
    const dir = config({
      config: {currentContext: 'colima'},
      contexts: {colima: {host: 'unix:///home/me/.colima/docker.sock'}, other: {host: 'tcp://o:1'}},
    })
    expect(resolveEngineEndpoint({DOCKER_CONFIG: dir})).to.deep.equal({
      connection: {kind: 'socket', socketPath: '/home/me/.colima/docker.sock'},
      context: 'colima',
      source: 'currentContext',
      uri: 'unix:///home/me/.colima/docker.sock',
    })
    expect(resolveEngineEndpoint({DOCKER_CONFIG: dir, DOCKER_CONTEXT: 'other'})).to.include({
      context: 'other',
      uri: 'tcp://o:1',
    })
    expect(
      resolveEngineEndpoint({DOCKER_CONFIG: dir, DOCKER_CONTEXT: 'other', DOCKER_HOST: 'unix:///x.sock'}),
    ).to.include({source: 'DOCKER_HOST', uri: 'unix:///x.sock'})
  })

  it('takes a context that skips verification as TLS without checks, and one without TLS as plain', () => {
    const dir = config({
      contexts: {insecure: {host: 'tcp://i:2376', skipTlsVerify: true}, plain: {host: 'tcp://p:2375'}},
    })
    expect(resolveEngineEndpoint({DOCKER_CONFIG: dir, DOCKER_CONTEXT: 'insecure'}).connection).to.deep.equal({
      host: 'i',
      kind: 'tcp',
      port: 2376,
      tls: {verify: false},
    })
    expect(resolveEngineEndpoint({DOCKER_CONFIG: dir, DOCKER_CONTEXT: 'plain'}).connection).to.deep.equal({
      host: 'p',
      kind: 'tcp',
      port: 2375,
    })
  })

  it('takes the context "default" as the default socket, without a store entry', () => {
    expect(resolveEngineEndpoint({DOCKER_CONFIG: config({}), DOCKER_CONTEXT: 'default'})).to.include({
      context: 'default',
      source: 'DOCKER_CONTEXT',
      uri: 'unix:///var/run/docker.sock',
    })
  })

  it('refuses what it cannot use, naming where the value came from', () => {
    expect(() => resolveEngineEndpoint({DOCKER_HOST: 'not a url'})).to.throw(
      EngineEndpointError,
      /DOCKER_HOST="not a url"/,
    )
    expect(() => resolveEngineEndpoint({DOCKER_HOST: 'npipe:////./pipe/docker_engine'})).to.throw(
      EngineEndpointError,
      /npipe:/,
    )
    expect(() => resolveEngineEndpoint({DOCKER_HOST: 'ssh://me:secret@host'})).to.throw(
      EngineEndpointError,
      /no password/,
    )
    expect(() => resolveEngineEndpoint({DOCKER_HOST: 'ssh://m%zze@host'})).to.throw(
      EngineEndpointError,
      /DOCKER_HOST="ssh:\/\/m%zze@host" cannot be used: its user name has a bad % escape/,
    )
    expect(() => resolveEngineEndpoint({DOCKER_HOST: 'unix://unix:///s'})).to.throw(
      EngineEndpointError,
      /cannot be used/,
    )
    expect(() => resolveEngineEndpoint({DOCKER_HOST: 'unix:/s'})).to.throw(EngineEndpointError, /cannot be used/)
    expect(() => resolveEngineEndpoint({DOCKER_HOST: 'tcp://h:99999'})).to.throw(EngineEndpointError, /cannot be used/)
    const dir = config({config: {currentContext: 'gone'}, contexts: {broken: {host: ''}}})
    expect(() => resolveEngineEndpoint({DOCKER_CONFIG: dir, DOCKER_CONTEXT: 'nope'})).to.throw(
      EngineEndpointError,
      /DOCKER_CONTEXT="nope" cannot be used: there is no such context/,
    )
    expect(() => resolveEngineEndpoint({DOCKER_CONFIG: dir})).to.throw(
      EngineEndpointError,
      /the current context "gone" of .*config\.json/,
    )
    expect(() => resolveEngineEndpoint({DOCKER_CONFIG: dir, DOCKER_CONTEXT: 'broken'})).to.throw(
      EngineEndpointError,
      /names no Endpoints\.docker\.Host/,
    )
  })
})

describe('endpoint naming', () => {
  it('names the context after the URI when there is one', () => {
    expect(describeEndpoint({uri: 'tcp://h:2376'})).to.equal('tcp://h:2376')
    expect(describeEndpoint({context: 'prod', uri: 'tcp://h:2376'})).to.equal('tcp://h:2376 (context prod)')
  })

  it('knows the default engine only by the default socket', () => {
    expect(isDefaultEngine('unix:///var/run/docker.sock')).to.equal(true)
    expect(isDefaultEngine('unix:///run/user/1000/docker.sock')).to.equal(false)
    expect(isDefaultEngine('tcp://127.0.0.1:2376')).to.equal(false)
  })

  it("knows macOS's and Windows' default engines: Docker Desktop's socket, the named pipe", () => {
    expect(isDefaultEngine('unix:///Users/me/.docker/run/docker.sock', {HOME: '/Users/me'}, 'darwin')).to.equal(true)
    expect(isDefaultEngine('unix:///var/run/docker.sock', {HOME: '/Users/me'}, 'darwin')).to.equal(true)
    expect(isDefaultEngine('unix:///Users/me/.docker/run/docker.sock', {HOME: '/Users/me'}, 'linux')).to.equal(false)
    expect(isDefaultEngine('npipe:////./pipe/docker_engine', {}, 'win32')).to.equal(true)
    expect(isDefaultEngine('unix:///var/run/docker.sock', {}, 'win32')).to.equal(false)
    expect(isDefaultEngine('npipe:////./pipe/dockerDesktopLinuxEngine', {}, 'win32')).to.equal(false)
  })
})

describe('engines on Windows and macOS', () => {
  const temp = useTempDir('occ-docker-config-')
  let empty: string
  beforeEach(() => {
    empty = join(temp.path, 'empty')
    mkdirSync(empty)
  })

  it('reads npipe:// as the docker CLI does, connecting through the pipe path', () => {
    const pipe = {
      connection: {kind: 'socket', socketPath: String.raw`\\.\pipe\docker_engine`},
      source: 'DOCKER_HOST',
      uri: 'npipe:////./pipe/docker_engine',
    }
    expect(resolveEngineEndpoint({DOCKER_HOST: 'npipe:////./pipe/docker_engine'}, 'win32')).to.deep.equal(pipe)
    // docker's own default when the address is empty, and backslashes as Windows writes them.
    expect(resolveEngineEndpoint({DOCKER_HOST: 'npipe://'}, 'win32')).to.deep.equal(pipe)
    expect(resolveEngineEndpoint({DOCKER_HOST: String.raw`npipe://\\.\pipe\docker_engine`}, 'win32')).to.deep.equal(
      pipe,
    )
    expect(
      resolveEngineEndpoint({DOCKER_HOST: 'npipe:////build-box/pipe/dockerDesktopLinuxEngine'}, 'win32'),
    ).to.deep.include({
      connection: {kind: 'socket', socketPath: String.raw`\\build-box\pipe\dockerDesktopLinuxEngine`},
      uri: 'npipe:////build-box/pipe/dockerDesktopLinuxEngine',
    })
  })

  it('refuses a pipe address that is no pipe, and named pipes off Windows', () => {
    expect(() => resolveEngineEndpoint({DOCKER_HOST: 'npipe://./pipe/docker_engine'}, 'win32')).to.throw(
      EngineEndpointError,
      /a named pipe is written npipe:\/\/\/\/\.\/pipe\/NAME/,
    )
    expect(() => resolveEngineEndpoint({DOCKER_HOST: 'npipe:////./docker_engine'}, 'win32')).to.throw(
      EngineEndpointError,
      /DOCKER_HOST="npipe:\/\/\/\/\.\/docker_engine"/,
    )
    expect(() => resolveEngineEndpoint({DOCKER_HOST: 'npipe:////./pipe/docker_engine'}, 'darwin')).to.throw(
      EngineEndpointError,
      /named pipes \(npipe:\/\/\) exist only on Windows/,
    )
  })

  it('takes the pipe from a context, and the pipe as the default engine and the "default" context on Windows', () => {
    const dir = dockerConfig(join(temp.path, 'desktop'), {
      contexts: {'desktop-linux': {host: 'npipe:////./pipe/dockerDesktopLinuxEngine'}},
    })
    expect(resolveEngineEndpoint({DOCKER_CONFIG: dir, DOCKER_CONTEXT: 'desktop-linux'}, 'win32')).to.deep.include({
      context: 'desktop-linux',
      uri: 'npipe:////./pipe/dockerDesktopLinuxEngine',
    })

    const pipe = {kind: 'socket', socketPath: String.raw`\\.\pipe\docker_engine`}
    expect(resolveEngineEndpoint({DOCKER_CONFIG: empty}, 'win32')).to.deep.equal({
      connection: pipe,
      source: 'default',
      uri: 'npipe:////./pipe/docker_engine',
    })
    expect(resolveEngineEndpoint({DOCKER_CONFIG: empty, DOCKER_CONTEXT: 'default'}, 'win32')).to.deep.include({
      connection: pipe,
      context: 'default',
    })
  })

  it("falls back to Docker Desktop's per-user socket on macOS when /var/run/docker.sock is missing", () => {
    const home = join(temp.path, 'home')
    mkdirSync(home)
    // Which one depends on this machine's /var/run/docker.sock; both ways are meant.
    const endpoint = resolveEngineEndpoint({DOCKER_CONFIG: empty, HOME: home}, 'darwin')
    expect(endpoint).to.deep.equal(
      existsSync('/var/run/docker.sock')
        ? {
            connection: {kind: 'socket', socketPath: '/var/run/docker.sock'},
            source: 'default',
            uri: 'unix:///var/run/docker.sock',
          }
        : {
            connection: {kind: 'socket', socketPath: `${home}/.docker/run/docker.sock`},
            source: 'default',
            uri: `unix://${home}/.docker/run/docker.sock`,
          },
    )
  })
})
