import {expect} from 'chai'

import {defaultConfig} from '../../../src/lib/config/validate.js'
import {createBody, specOf} from '../../../src/lib/sandbox/container-body.js'
import {
  mayBind,
  parseMount,
  restartPolicy,
  sandboxSpec,
  sandboxUrl,
  specDifferences,
  volumesFor,
} from '../../../src/lib/sandbox/spec.js'

const config = () => ({
  ...defaultConfig(),
  mounts: ['/home/me/work:/home/opencoder/workspace', '/home/me/.ssh:/home/opencoder/.ssh:ro'],
})

describe('sandbox spec: the container occ makes from the config', () => {
  it('maps port, bind address, env, mounts and restart policy; volumes only for data paths no mount covers', () => {
    const spec = sandboxSpec(
      {...config(), bind_address: 'localhost', container_env: ['A=1']},
      'sha256:abc',
      new Set(['/home/me/.ssh:/home/opencoder/.ssh:ro']),
    )
    expect(spec).to.deep.include({
      bindAddress: '127.0.0.1',
      env: ['A=1'],
      imageId: 'sha256:abc',
      port: 3000,
      restart: {maximumRetryCount: 3, name: 'on-failure'},
    })
    expect(spec.mounts).to.deep.equal([
      {isDefault: false, readOnly: false, source: '/home/me/work', target: '/home/opencoder/workspace'},
      {isDefault: true, readOnly: true, source: '/home/me/.ssh', target: '/home/opencoder/.ssh'},
    ])
    expect(spec.volumes.map((volume) => volume.target).sort()).to.deep.equal([
      '/home/opencoder/.cache/opencode',
      '/home/opencoder/.config/opencode',
      '/home/opencoder/.local/share/opencode',
      '/home/opencoder/.local/state/opencode',
    ])
    expect(spec.volumes[0].name).to.match(/^opencode-cloud-sandbox-/)
  })

  it('a mount on a parent covers every data path below it; Windows drive letters stay in the host path', () => {
    expect(volumesFor([parseMount('/x:/home/opencoder', new Set())])).to.deep.equal([])
    expect(parseMount('C:\\work:/home/opencoder/workspace:ro', new Set())).to.deep.equal({
      isDefault: false,
      readOnly: true,
      source: 'C:\\work',
      target: '/home/opencoder/workspace',
    })
    expect(parseMount('/a:/b:rw', new Set()).readOnly).to.equal(false)
  })

  it('applies auto_restart and restart_retries (0 retries: no limit)', () => {
    expect(restartPolicy({auto_restart: false, restart_retries: 3})).to.deep.equal({maximumRetryCount: 0, name: 'no'})
    expect(restartPolicy({auto_restart: true, restart_retries: 0})).to.deep.equal({
      maximumRetryCount: 0,
      name: 'unless-stopped',
    })
    expect(restartPolicy({auto_restart: true, restart_retries: 5})).to.deep.equal({
      maximumRetryCount: 5,
      name: 'on-failure',
    })
  })

  it('refuses a bind address others can reach unless users log in or the user allowed an open sandbox', () => {
    const open = {allow_unauthenticated_network: false, users: []}
    expect(mayBind(open, '127.0.0.1')).to.equal(true)
    expect(mayBind(open, '::1')).to.equal(true)
    expect(mayBind(open, '0.0.0.0')).to.equal(false)
    expect(mayBind({...open, users: ['ann']}, '0.0.0.0')).to.equal(true)
    expect(mayBind({...open, allow_unauthenticated_network: true}, '::')).to.equal(true)
  })

  it('prints the URL users open', () => {
    expect(sandboxUrl({bindAddress: '127.0.0.1', port: 3000})).to.equal('http://127.0.0.1:3000')
    expect(sandboxUrl({bindAddress: '::1', port: 3001})).to.equal('http://[::1]:3001')
    expect(sandboxUrl({bindAddress: '0.0.0.0', port: 3000})).to.equal('http://localhost:3000')
  })

  it('names each difference, never an environment value', () => {
    const made = sandboxSpec({...config(), container_env: ['TOKEN=old']}, 'sha256:aaaaaaaaaaaaaaaa', new Set())
    expect(specDifferences(made, made)).to.deep.equal([])
    const wanted = sandboxSpec(
      {...config(), auto_restart: false, container_env: ['TOKEN=new'], opencode_web_port: 3001},
      'sha256:bbbbbbbbbbbbbbbb',
      new Set(),
    )
    const differences = specDifferences(made, wanted)
    expect(differences).to.deep.equal([
      'image: aaaaaaaaaaaa → bbbbbbbbbbbb',
      'port: 3000 → 3001',
      'environment: TOKEN changed',
      'restart policy: on-failure (3 retries) → no',
    ])
    expect(differences.join(' ')).not.to.include('old').and.not.to.include('new')
  })

  it("labels the container as occ's with its spec, and reads it back; a container without them is not occ's", () => {
    const spec = sandboxSpec(config(), 'sha256:abc', new Set())
    const body = createBody(spec) as {
      Labels: Record<string, string>
      HostConfig: {PortBindings: unknown; Binds: string[]; RestartPolicy: unknown}
    }
    expect(body.HostConfig.PortBindings).to.deep.equal({'3000/tcp': [{HostIp: '127.0.0.1', HostPort: '3000'}]})
    expect(body.HostConfig.Binds).to.deep.equal([
      '/home/me/work:/home/opencoder/workspace',
      '/home/me/.ssh:/home/opencoder/.ssh:ro',
    ])
    expect(body.HostConfig.RestartPolicy).to.deep.equal({MaximumRetryCount: 3, Name: 'on-failure'})
    expect(specOf(body.Labels)).to.deep.equal(spec)
    expect(specOf({...body.Labels, 'org.opencode-cloud.managed': 'false'})).to.equal(undefined)
    expect(specOf({'org.opencode-cloud.managed': 'true', 'org.opencode-cloud.spec': '{"imageId":1}'})).to.equal(
      undefined,
    )
    expect(specOf(undefined)).to.equal(undefined)
  })
})
