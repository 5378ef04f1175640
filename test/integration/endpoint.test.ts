/**
 * Any Docker endpoint: the test engine reached over TCP with TLS through DOCKER_HOST, over ssh
 * (an sshd of the test environment that runs `docker system dial-stdio`), through a context
 * named by DOCKER_CONTEXT and config.json's current context; one record per engine.
 */
import {expect} from 'chai'
import {execFileSync} from 'node:child_process'
import {chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {type AddressInfo, connect, createServer, type Socket} from 'node:net'
import {basename, dirname, join} from 'node:path'
import ssh2 from 'ssh2'

import {contextId} from '../../src/lib/docker/endpoint.js'
import {imageStateFile} from '../../src/lib/image-record-path.js'
import {readEnvironment} from '../env/environment.js'
import {freePort} from '../env/system.js'
import {makeCertificates} from '../env/tls.js'
import {CURRENT, engine, imageId, type ImageHome, repository, seed, useFreshImageHome} from './helpers/occ-image.js'
import {ROOT, runCli} from './helpers/run-cli.js'

const docker = engine()

interface StateJson {
  state: null | Record<string, string>
  engine: {status: string; endpoint: string; context?: string; message?: string}
}

describe('any Docker endpoint', function () {
  this.timeout(120_000)
  const testEnv = readEnvironment()
  const tlsHost = testEnv.tlsHost
  let home: ImageHome
  let dockerConfig: string

  useFreshImageHome(docker, async (created) => {
    home = created
    dockerConfig = join(home.dir, 'docker-config')
    mkdirSync(dockerConfig)
  })

  /** The environment of a run against `endpoint` variables (DOCKER_HOST of the test engine removed). */
  const envWith = (endpoint: Record<string, string>) => {
    const env: Record<string, string | undefined> = {
      ...home.envFor([repository('primary')], {DOCKER_CONFIG: dockerConfig, OCC_UPDATE_CHECK: 'never', ...endpoint}),
    }
    if (!('DOCKER_HOST' in endpoint)) env.DOCKER_HOST = undefined
    return env
  }

  const overTls = {DOCKER_CERT_PATH: testEnv.certDir, DOCKER_HOST: tlsHost, DOCKER_TLS_VERIFY: '1'}

  /**
   * Writes a context to the store under DOCKER_CONFIG, as `docker context create` does, with the
   * test client's TLS files.
   */
  const createContext = (name: string, host: string, tls = true) => {
    const id = contextId(name)
    mkdirSync(join(dockerConfig, 'contexts', 'meta', id), {recursive: true})
    writeFileSync(
      join(dockerConfig, 'contexts', 'meta', id, 'meta.json'),
      JSON.stringify({Endpoints: {docker: {Host: host, SkipTLSVerify: false}}, Metadata: {}, Name: name}),
    )
    if (!tls) return
    const tlsDir = join(dockerConfig, 'contexts', 'tls', id, 'docker')
    mkdirSync(tlsDir, {recursive: true})
    for (const file of ['ca.pem', 'cert.pem', 'key.pem']) copyFileSync(join(testEnv.certDir, file), join(tlsDir, file))
  }

  const state = async (env: Record<string, string | undefined>) => {
    const result = await runCli(['image:state', '--json'], {env})
    expect(result.code, result.stderr).to.equal(0)
    return JSON.parse(result.stdout) as StateJson
  }

  it('pulls and checks the state through DOCKER_HOST=tcp:// with DOCKER_TLS_VERIFY and DOCKER_CERT_PATH', async () => {
    const env = envWith(overTls)
    const pulled = await runCli(['image:pull'], {env})
    expect(pulled.code, pulled.stderr).to.equal(0)
    expect(await imageId(docker, CURRENT)).to.equal(seed('primary', '25.1.3').configDigest)

    const file = imageStateFile({...home.env, ...overTls})
    expect(file).to.match(/image-state\.d\/tcp-127\.0\.0\.1-\d+-[0-9a-f]{12}\.json$/)
    expect(JSON.parse(readFileSync(file, 'utf8'))).to.include({
      engine: tlsHost,
      image_id: seed('primary', '25.1.3').configDigest,
    })
    expect(existsSync(join(home.dataDir, 'image-state.json')), 'the default engine keeps its record file').to.equal(
      false,
    )

    expect(await state(env)).to.deep.include({
      engine: {current_image_id: seed('primary', '25.1.3').configDigest, endpoint: tlsHost, status: 'ok'},
    })
    const text = await runCli(['image:state'], {env})
    expect(text.stdout).to.include(`Engine ${tlsHost}: ok`)
  })

  it('pulls, tags and checks the state through DOCKER_HOST=ssh://, signing in with the ssh agent', async () => {
    const overSsh = {
      DOCKER_HOST: testEnv.ssh.dockerHost,
      HOME: testEnv.ssh.home,
      SSH_AUTH_SOCK: testEnv.ssh.agentSocket,
    }
    const env = envWith(overSsh)
    const pulled = await runCli(['image:pull', '--json'], {env})
    expect(pulled.code, pulled.stderr).to.equal(0)
    expect(JSON.parse(pulled.stdout)).to.include({
      engine: testEnv.ssh.dockerHost,
      image_id: seed('primary', '25.1.3').configDigest,
    })
    expect(await imageId(docker, CURRENT), 'the tag is on the engine behind sshd').to.equal(
      seed('primary', '25.1.3').configDigest,
    )

    const file = imageStateFile({...home.env, ...overSsh})
    expect(file).to.match(/image-state\.d\/ssh-.+-[0-9a-f]{12}\.json$/)
    expect(JSON.parse(readFileSync(file, 'utf8'))).to.include({engine: testEnv.ssh.dockerHost})
    expect(await state(env)).to.deep.include({
      engine: {
        current_image_id: seed('primary', '25.1.3').configDigest,
        endpoint: testEnv.ssh.dockerHost,
        status: 'ok',
      },
    })
  })

  it('builds through DOCKER_HOST=ssh:// on a host known_hosts records', async () => {
    const overSsh = {
      DOCKER_HOST: testEnv.ssh.dockerHost,
      HOME: testEnv.ssh.home,
      SSH_AUTH_SOCK: testEnv.ssh.agentSocket,
    }
    const built = await runCli(['image:build', '--context', join(ROOT, 'test', 'fixtures', 'build', 'ok'), '--json'], {
      env: envWith(overSsh),
    })
    expect(built.code, built.stderr).to.equal(0)
    const image = await docker.getImage(CURRENT).inspect()
    expect(image.Config.Labels).to.include({
      'org.opencode-cloud.source': 'build',
      'org.opencode-cloud.test.fixture': 'build-ok',
    })
    expect(JSON.parse(built.stdout)).to.include({engine: testEnv.ssh.dockerHost, image_id: image.Id, source: 'build'})
  })

  describe('ssh:// through ~/.ssh/config, as ssh reads it', () => {
    /**
     * A HOME whose ~/.ssh/config alone knows the engine: alias → HostName, Port, User, IdentityFile,
     * UserKnownHostsFile; no ~/.ssh/known_hosts.
     */
    const aliasHome = (identityFile: string) => {
      const url = new URL(testEnv.ssh.dockerHost)
      const sshHome = join(home.dir, 'alias-home')
      mkdirSync(join(sshHome, '.ssh'), {recursive: true})
      copyFileSync(join(testEnv.ssh.home, '.ssh', 'known_hosts'), join(sshHome, 'engine_known_hosts'))
      writeFileSync(
        join(sshHome, '.ssh', 'config'),
        [
          'Host occ-engine',
          '  HostName 127.0.0.1',
          `  Port ${url.port}`,
          `  User ${url.username}`,
          `  IdentityFile ${identityFile}`,
          '  UserKnownHostsFile ~/engine_known_hosts',
          'Host *',
          '  Port 1',
          '',
        ].join('\n'),
      )
      return sshHome
    }

    it('pulls through an alias only ~/.ssh/config resolves, signing in with its IdentityFile (no agent)', async () => {
      const env = {
        ...envWith({DOCKER_HOST: 'ssh://occ-engine', HOME: aliasHome(join(testEnv.dir, 'ssh', 'client_key'))}),
        SSH_AUTH_SOCK: undefined,
      }
      const pulled = await runCli(['image:pull', '--json'], {env})
      expect(pulled.code, pulled.stderr).to.equal(0)
      expect(JSON.parse(pulled.stdout)).to.include({
        engine: 'ssh://occ-engine',
        image_id: seed('primary', '25.1.3').configDigest,
      })
      expect((await state(env)).engine).to.deep.include({endpoint: 'ssh://occ-engine', status: 'ok'})
    })

    it('checks the host key against UserKnownHostsFile, and names a passphrase-protected IdentityFile', async () => {
      const locked = join(home.dir, 'locked_key')
      copyFileSync(join(testEnv.dir, 'ssh', 'client_key'), locked)
      chmodSync(locked, 0o600)
      execFileSync('ssh-keygen', ['-q', '-p', '-N', 'secret', '-P', '', '-f', locked])
      const sshHome = aliasHome(locked)
      const noAgent = await runCli(['image:pull'], {
        env: {...envWith({DOCKER_HOST: 'ssh://occ-engine', HOME: sshHome}), SSH_AUTH_SOCK: undefined},
      })
      expect(noAgent.code).to.equal(4)
      expect(noAgent.stderr)
        .to.include(`failed: the key ${locked} is protected by a passphrase, which occ cannot ask for.`)
        .and.include(`ssh-add ${locked}`)
      // The agent holds the key: it signs in first, and the locked file is never needed.
      const withAgent = await runCli(['image:pull'], {
        env: envWith({DOCKER_HOST: 'ssh://occ-engine', HOME: sshHome, SSH_AUTH_SOCK: testEnv.ssh.agentSocket}),
      })
      expect(withAgent.code, withAgent.stderr).to.equal(0)

      writeFileSync(join(sshHome, 'engine_known_hosts'), '')
      const unknown = await runCli(['image:pull'], {
        env: envWith({DOCKER_HOST: 'ssh://occ-engine', HOME: sshHome, SSH_AUTH_SOCK: testEnv.ssh.agentSocket}),
      })
      expect(unknown.code).to.equal(4)
      expect(unknown.stderr)
        .to.include(`is not in ${join(sshHome, 'engine_known_hosts')}, so its key cannot be checked`)
        .and.include('signing in once with "ssh occ-engine"')
    })
  })

  it('reaches the engine through the context DOCKER_CONTEXT names, and names the context', async () => {
    createContext('occ-tls', tlsHost)
    const env = envWith({DOCKER_CONTEXT: 'occ-tls'})
    const pulled = await runCli(['image:pull', '--json'], {env})
    expect(pulled.code, pulled.stderr).to.equal(0)
    expect(JSON.parse(pulled.stdout)).to.include({engine: tlsHost})
    expect((await state(env)).engine).to.deep.include({context: 'occ-tls', endpoint: tlsHost, status: 'ok'})
    const text = await runCli(['image:state'], {env})
    expect(text.stdout).to.include(`Engine ${tlsHost} (context occ-tls): ok`)
    // The same engine by DOCKER_HOST reads the same record.
    expect((await state(envWith(overTls))).state).to.include({engine: tlsHost})
  })

  it("reaches the engine through config.json's current context", async () => {
    createContext('occ-current', tlsHost)
    writeFileSync(join(dockerConfig, 'config.json'), JSON.stringify({currentContext: 'occ-current'}))
    const env = envWith({})
    const pulled = await runCli(['image:pull'], {env})
    expect(pulled.code, pulled.stderr).to.equal(0)
    expect((await state(env)).engine).to.deep.include({context: 'occ-current', endpoint: tlsHost, status: 'ok'})
  })

  it('reads DOCKER_HOST=unix:// as docker does: a relative socket from the cwd, one record per socket', async () => {
    const socket = new URL(testEnv.dockerHost).pathname
    const relative = await runCli(['image:pull', '--json'], {
      cwd: dirname(socket),
      env: envWith({DOCKER_HOST: `unix://${basename(socket)}`}),
    })
    expect(relative.code, relative.stderr).to.equal(0)
    expect(JSON.parse(relative.stdout)).to.include({
      engine: `unix://${socket}`,
      image_id: seed('primary', '25.1.3').configDigest,
    })
    expect(
      existsSync(imageStateFile({...home.env, DOCKER_HOST: testEnv.dockerHost})),
      'the record of the socket, named absolutely',
    ).to.equal(true)
    // The same socket spelled otherwise reads the same record.
    for (const host of [`unix://${socket}/`, `unix://${dirname(socket)}/./${basename(socket)}`]) {
      expect((await state(envWith({DOCKER_HOST: host}))).engine, host).to.include({
        endpoint: `unix://${socket}`,
        status: 'ok',
      })
    }

    expect(readdirSync(join(home.dataDir, 'image-state.d'))).to.have.length(1)
    const escaped = await runCli(['image:state'], {env: envWith({DOCKER_HOST: 'unix:///tmp/occ-no-such-%zz.sock'})})
    expect(escaped.code, escaped.stderr).to.equal(0)
    expect(escaped.stdout).to.include('Engine unix:///tmp/occ-no-such-%zz.sock: nothing recorded to check.')
    const garbage = await runCli(['image:pull'], {env: envWith({DOCKER_HOST: 'tcp://h:99999'})})
    expect(garbage.code).to.equal(4)
    expect(garbage.stderr).to.include('Error: DOCKER_HOST="tcp://h:99999" cannot be used').and.not.include('Unexpected')
  })

  it('keeps one record per engine: the unix socket and the TLS endpoint never share or overwrite one', async () => {
    const overSocket = await runCli(['image:pull', '--tag', '25.0.0'], {
      env: envWith({DOCKER_HOST: testEnv.dockerHost}),
    })
    expect(overSocket.code, overSocket.stderr).to.equal(0)
    const overTcp = await runCli(['image:pull'], {env: envWith(overTls)})
    expect(overTcp.code, overTcp.stderr).to.equal(0)

    const records = readdirSync(join(home.dataDir, 'image-state.d')).map(
      (name) => JSON.parse(readFileSync(join(home.dataDir, 'image-state.d', name), 'utf8')) as Record<string, string>,
    )
    expect(records.map((record) => [record.engine, record.version]).sort()).to.deep.equal(
      [
        [testEnv.dockerHost, '25.0.0'],
        [tlsHost, '25.1.3'],
      ].sort(),
    )
    expect((await state(envWith({DOCKER_HOST: testEnv.dockerHost}))).state).to.include({
      engine: testEnv.dockerHost,
      version: '25.0.0',
    })
  })

  it("does not show the default local engine's record (image-state.json) for another engine", async () => {
    mkdirSync(home.dataDir, {recursive: true})
    writeFileSync(
      join(home.dataDir, 'image-state.json'),
      JSON.stringify({acquired_at: '2026-01-24T23:15:28Z', registry: 'ghcr.io', source: 'prebuilt', version: '25.1.3'}),
    )
    const env = envWith(overTls)
    expect(await state(env)).to.deep.include({engine: {endpoint: tlsHost, status: 'none'}, state: null})
    const text = await runCli(['image:state'], {env})
    expect(text.stdout)
      .to.include('No sandbox image recorded yet')
      .and.include(`Engine ${tlsHost}: nothing recorded to check.`)
  })

  describe('engine errors name the endpoint', () => {
    it('refuses a client with certificates from another CA', async () => {
      const wrong = makeCertificates(join(home.dir, 'wrong-certs'), 'occ-wrong').clientDir
      const result = await runCli(['image:pull'], {env: envWith({...overTls, DOCKER_CERT_PATH: wrong})})
      expect(result.code).to.equal(4)
      expect(result.stderr).to.match(
        new RegExp(
          `^Error: The TLS handshake with the Docker engine at ${tlsHost} failed: ` +
            "(?:the engine refused occ's client certificate|" +
            "the engine's certificate is not signed by the CA in ca\\.pem)" +
            '.*\\n  Check DOCKER_TLS_VERIFY and DOCKER_CERT_PATH',
        ),
      )
    })

    it('says which TLS file is missing', async () => {
      const empty = join(home.dir, 'no-certs')
      mkdirSync(empty)
      const result = await runCli(['image:pull', '--json'], {env: envWith({...overTls, DOCKER_CERT_PATH: empty})})
      expect(result.code).to.equal(4)
      expect(JSON.parse(result.stdout)).to.deep.include({
        error: {
          code: 'engine_tls_files',
          details: {endpoint: tlsHost, file: join(empty, 'ca.pem')},
          exitCode: 4,
          message: `Cannot use TLS towards the Docker engine at ${tlsHost}: ${join(empty, 'ca.pem')} does not exist.`,
          suggestion:
            'Point DOCKER_CERT_PATH at the directory with ca.pem, cert.pem and key.pem (default ~/.docker), ' +
            'or fix the TLS files of the docker context.',
        },
      })
    })

    it('says the engine wants TLS when spoken to in plain HTTP', async () => {
      const result = await runCli(['image:pull'], {env: envWith({DOCKER_HOST: tlsHost})})
      expect(result.code).to.equal(4)
      expect(result.stderr).to.include(
        `The TLS handshake with the Docker engine at ${tlsHost} failed: ` +
          'the engine expects TLS, but occ spoke plain HTTP (set DOCKER_TLS_VERIFY=1).',
      )
    })

    it('names the context of an engine that does not answer', async () => {
      const dead = `tcp://127.0.0.1:${await freePort()}`
      createContext('occ-dead', dead, false)
      const result = await runCli(['image:pull'], {env: envWith({DOCKER_CONTEXT: 'occ-dead'})})
      expect(result.code).to.equal(4)
      expect(result.stderr).to.include(
        `Error: Cannot reach the Docker engine at ${dead} (context occ-dead): connection refused.`,
      )
      const text = await runCli(['image:state'], {env: envWith({DOCKER_CONTEXT: 'occ-dead'})})
      expect(text.stdout).to.include(`Engine ${dead} (context occ-dead): nothing recorded to check.`)
    })

    it('says what failed when ssh refuses occ, and how to fix it, without touching the record', async () => {
      const overSsh = {DOCKER_HOST: testEnv.ssh.dockerHost, HOME: testEnv.ssh.home}
      const refused = await runCli(['image:pull'], {
        env: envWith({...overSsh, SSH_AUTH_SOCK: testEnv.ssh.strangerSocket}),
      })
      expect(refused.code).to.equal(4)
      expect(refused.stderr).to.equal(
        `Error: The ssh connection to the Docker engine at ${testEnv.ssh.dockerHost} failed: ` +
          "the host accepted none of the keys occ offered (your ssh agent's, then your identity files').\n" +
          '  Add the key the host accepts to your agent ("ssh-add KEYFILE"; "ssh-add -l" lists what it holds), ' +
          'and check the user in DOCKER_HOST or ~/.ssh/config.\n',
      )
      const noAgent = await runCli(['image:pull', '--json'], {env: {...envWith(overSsh), SSH_AUTH_SOCK: undefined}})
      expect(noAgent.code).to.equal(4)
      expect(JSON.parse(noAgent.stdout).error).to.include({
        code: 'engine_ssh_failed',
        message:
          `The ssh connection to the Docker engine at ${testEnv.ssh.dockerHost} failed: ` +
          'the ssh agent could not be used (SSH_AUTH_SOCK is not set).',
      })
      expect(
        existsSync(imageStateFile({...home.env, DOCKER_HOST: testEnv.ssh.dockerHost})),
        'no record written',
      ).to.equal(false)
      const text = await runCli(['image:state'], {
        env: envWith({...overSsh, SSH_AUTH_SOCK: testEnv.ssh.strangerSocket}),
      })
      expect(text.code, 'image:state still answers').to.equal(0)
    })

    it('refuses an ssh host whose key known_hosts does not record, or records otherwise, as ssh would', async () => {
      const port = new URL(testEnv.ssh.dockerHost).port
      const sshHome = join(home.dir, 'ssh-home')
      mkdirSync(join(sshHome, '.ssh'), {recursive: true})
      const run = () =>
        runCli(['image:pull'], {
          env: envWith({DOCKER_HOST: testEnv.ssh.dockerHost, HOME: sshHome, SSH_AUTH_SOCK: testEnv.ssh.agentSocket}),
        })

      const unknown = await run()
      expect(unknown.code).to.equal(4)
      expect(unknown.stderr).to.include(
        `failed: [127.0.0.1]:${port} is not in ~/.ssh/known_hosts, so its key cannot be checked.`,
      )
      expect(unknown.stderr).to.include(
        `signing in once with "ssh -p ${port} ${new URL(testEnv.ssh.dockerHost).username}@127.0.0.1"`,
      )

      // Another host's key recorded for this host and port: a man in the middle looks like this.
      const otherKey = readFileSync(join(testEnv.dir, 'ssh', 'stranger_key.pub'), 'utf8')
        .split(' ')
        .slice(0, 2)
        .join(' ')
      writeFileSync(
        join(sshHome, '.ssh', 'known_hosts'),
        `# a comment\n|1|${'A'.repeat(27)}=|${'B'.repeat(27)}= ssh-ed25519 AAAA\n[127.0.0.1]:${port} ${otherKey}\n`,
      )
      const mismatch = await run()
      expect(mismatch.code).to.equal(4)
      expect(mismatch.stderr).to.include(
        `failed: the host presented a key that known_hosts does not record for [127.0.0.1]:${port}`,
      )
      expect(mismatch.stderr).to.include(`ssh-keygen -R '[127.0.0.1]:${port}'`)
      expect(await imageId(docker, CURRENT), 'nothing was pulled').to.equal(undefined)
    })

    it('refuses to build over ssh:// on a host known_hosts does not record, with the message a pull gets', async () => {
      const sshHome = join(home.dir, 'ssh-home')
      mkdirSync(join(sshHome, '.ssh'), {recursive: true})
      const env = envWith({DOCKER_HOST: testEnv.ssh.dockerHost, HOME: sshHome, SSH_AUTH_SOCK: testEnv.ssh.agentSocket})
      const pulled = await runCli(['image:pull'], {env})
      const built = await runCli(['image:build', '--context', join(ROOT, 'test', 'fixtures', 'build', 'ok')], {env})
      expect(built.code, built.stderr).to.equal(4)
      const error = (stderr: string) => stderr.slice(stderr.indexOf('Error: '))
      expect(error(built.stderr))
        .to.include('is not in ~/.ssh/known_hosts, so its key cannot be checked.')
        .and.equal(error(pulled.stderr))
      expect(await imageId(docker, CURRENT), 'nothing was built').to.equal(undefined)
    })

    it('checks the host key of the connection that carries the build, not only of the first one', async () => {
      // A spoofing host behind the address: the first connection reaches the real sshd, every later one an impostor.
      const spoof = await startSpoofSshd(join(testEnv.dir, 'ssh', 'stranger_key'))
      const proxy = await startSwitchingProxy(Number(new URL(testEnv.ssh.dockerHost).port), spoof.port)
      try {
        const sshHome = join(home.dir, 'ssh-home')
        mkdirSync(join(sshHome, '.ssh'), {recursive: true})
        const hostKey = readFileSync(join(testEnv.dir, 'ssh', 'host_key.pub'), 'utf8')
          .split(' ')
          .slice(0, 2)
          .join(' ')
        writeFileSync(join(sshHome, '.ssh', 'known_hosts'), `[127.0.0.1]:${proxy.port} ${hostKey}\n`)
        const dockerHost = `ssh://${new URL(testEnv.ssh.dockerHost).username}@127.0.0.1:${proxy.port}`
        const env = envWith({DOCKER_HOST: dockerHost, HOME: sshHome, SSH_AUTH_SOCK: testEnv.ssh.agentSocket})
        const built = await runCli(['image:build', '--context', join(ROOT, 'test', 'fixtures', 'build', 'ok')], {env})
        expect(spoof.commands, 'the impostor was asked to run nothing').to.deep.equal([])
        expect(built.code, built.stderr).to.equal(4)
        expect(built.stderr).to.include(
          `failed: the host presented a key that known_hosts does not record for [127.0.0.1]:${proxy.port}`,
        )
        expect(await imageId(docker, CURRENT), 'nothing was built').to.equal(undefined)
      } finally {
        await Promise.all([spoof.close(), proxy.close()])
      }
    })

    it('says when the context does not exist', async () => {
      const result = await runCli(['image:state'], {env: envWith({DOCKER_CONTEXT: 'occ-missing'})})
      expect(result.code).to.equal(4)
      expect(result.stderr).to.include('Error: DOCKER_CONTEXT="occ-missing" cannot be used: there is no such context')
    })
  })
})

/** An ssh server with another host key that lets anyone in and records what it is asked to run (and runs nothing). */
async function startSpoofSshd(
  hostKeyFile: string,
): Promise<{port: number; commands: string[]; close(): Promise<void>}> {
  const commands: string[] = []
  const server = new ssh2.Server({hostKeys: [readFileSync(hostKeyFile)]}, (client) => {
    client.on('error', () => {})
    client.on('authentication', (context) => context.accept())
    client.on('session', (accept) => {
      accept().on('exec', (_accept, reject, info) => {
        commands.push(info.command)
        reject()
      })
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    close: () => new Promise((resolve) => server.close(() => resolve())),
    commands,
    port: (server.address() as AddressInfo).port,
  }
}

/** A TCP proxy on 127.0.0.1 that sends its first connection to `firstPort` and every later one to `laterPort`. */
async function startSwitchingProxy(
  firstPort: number,
  laterPort: number,
): Promise<{port: number; close(): Promise<void>}> {
  let connections = 0
  const sockets = new Set<Socket>()
  const server = createServer((socket) => {
    const upstream = connect(connections++ === 0 ? firstPort : laterPort, '127.0.0.1')
    for (const end of [socket, upstream]) {
      sockets.add(end)
      end.on('error', () => {}).on('close', () => sockets.delete(end))
    }

    socket.pipe(upstream).pipe(socket)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const close = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy()
      server.close(() => resolve())
    })
  return {close, port: (server.address() as AddressInfo).port}
}
