import {expect} from 'chai'
import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {
  dockerd,
  freePort,
  jsonError,
  REPLACED,
  sandboxContainer,
  servedVersion,
  useSandboxHome,
  WANTED,
  WORKSPACE_TARGET,
} from './helpers/occ-sandbox.js'
import {joinedPattern} from './helpers/pattern.js'
import {execIn} from './helpers/sandbox-container.js'

const VOLUME_FILE = '/home/opencoder/.local/share/opencode/in-volume'

async function reachable(port: number): Promise<boolean> {
  return servedVersion(port).then(
    () => true,
    () => false,
  )
}

describe('occ start after the configuration changed', function () {
  this.timeout(60_000)
  const sandbox = useSandboxHome()

  it('a new port: refused without a terminal, naming it; --yes recreates it, keeping mounts and volumes', async () => {
    const s = sandbox()
    // The port comes from config.json here (OCC_OPENCODE_WEB_PORT would override config set).
    const occ = (args: string[]) => s.occ(args, {OCC_OPENCODE_WEB_PORT: undefined})
    const [before, after] = [s.port, await freePort()]
    expect((await occ(['config', 'set', 'opencode_web_port', String(before)])).code).to.equal(0)
    const first = await occ(['start', '--json'])
    expect(first.code, first.stdout).to.equal(0)
    const {container_id: id} = JSON.parse(first.stdout) as {container_id: string}

    // One file through the mount (written on the host), one in a named volume (written in the container).
    writeFileSync(join(s.workspace, 'from-host'), 'host\n')
    const container = dockerd().getContainer(id)
    expect(
      (
        await execIn(container, [
          '/bin/sh',
          '-c',
          `echo volume > ${VOLUME_FILE} && echo container > ${WORKSPACE_TARGET}/from-container`,
        ])
      ).exitCode,
    ).to.equal(0)

    expect((await occ(['config', 'set', 'opencode_web_port', String(after)])).code).to.equal(0)
    const refused = await occ(['start', '--json'])
    expect(refused.code, refused.stdout).to.equal(12)
    const error = jsonError(refused)
    expect(error.code).to.equal('sandbox_spec_changed')
    expect(error.message).to.include(`  - port: ${before} → ${after}`)
    expect(error.details?.differences).to.deep.equal([`port: ${before} → ${after}`])
    expect(error.suggestion).to.include('occ start --yes')
    const text = await occ(['start'])
    expect(text.code).to.equal(12)
    expect(text.stderr).to.include(
      `Error: The sandbox runs with another configuration than config.json says:\n  - port: ${before} → ${after}\n`,
    )
    // Nothing changed: the same container, still serving on the old port.
    const unchanged = await sandboxContainer(dockerd())
    expect(unchanged?.Id).to.equal(id)
    expect(unchanged?.State.StartedAt).to.equal((await container.inspect()).State.StartedAt)
    expect(await servedVersion(before)).to.equal(WANTED)
    expect(await reachable(after)).to.equal(false)

    const recreated = await occ(['start', '--yes'])
    expect(recreated.code, recreated.stderr).to.equal(0)
    const shown = joinedPattern(
      /^Recreated the sandbox with the new configuration \(volumes and mounts kept\) /,
      /\(([0-9a-f]{12})\)\.\nReady at (\S+)\n/,
    ).exec(recreated.stdout)
    expect(shown, recreated.stdout).to.not.equal(null)
    expect(shown?.[2]).to.equal(`http://127.0.0.1:${after}`)
    const now = await sandboxContainer(dockerd())
    expect(now?.Id).to.not.equal(id)
    expect(now?.Id.slice(0, 12)).to.equal(shown?.[1])
    expect(await servedVersion(after)).to.equal(WANTED)
    expect(await reachable(before)).to.equal(false)
    expect(await sandboxContainer(dockerd(), REPLACED), 'the old container is gone').to.equal(undefined)

    const fresh = dockerd().getContainer(now?.Id ?? '')
    expect((await execIn(fresh, ['/bin/busybox', 'cat', VOLUME_FILE])).output).to.include('volume')
    expect((await execIn(fresh, ['/bin/busybox', 'cat', `${WORKSPACE_TARGET}/from-host`])).output).to.include('host')
    expect(readFileSync(join(s.workspace, 'from-container'), 'utf8')).to.equal('container\n')

    const again = await occ(['start', '--json'])
    expect(JSON.parse(again.stdout)).to.include({action: 'unchanged', container_id: now?.Id})
  })

  it('names every difference (env by variable name only, mounts, restart policy) and changes nothing', async () => {
    const s = sandbox()
    expect((await s.occ(['start'], {OCC_CONTAINER_ENV: JSON.stringify(['TOKEN=secret-one'])})).code).to.equal(0)
    const id = (await sandboxContainer(dockerd()))?.Id
    const refused = await s.occ(['start', '--json'], {
      OCC_AUTO_RESTART: 'false',
      OCC_CONTAINER_ENV: JSON.stringify(['TOKEN=secret-two']),
      OCC_MOUNTS: JSON.stringify([`${s.workspace}:${WORKSPACE_TARGET}:ro`]),
    })
    expect(refused.code, refused.stdout).to.equal(12)
    const error = jsonError(refused)
    expect(error.details?.differences).to.deep.equal([
      `mounts: ["${s.workspace}:${WORKSPACE_TARGET}"] → ["${s.workspace}:${WORKSPACE_TARGET}:ro"]`,
      'environment: TOKEN changed',
      'restart policy: on-failure (3 retries) → no',
    ])
    expect(refused.stdout).to.not.include('secret')
    expect((await sandboxContainer(dockerd()))?.Id).to.equal(id)
  })
})
