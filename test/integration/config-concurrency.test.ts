import {expect} from 'chai'
import {readdirSync, readFileSync} from 'node:fs'

import {loadConfig} from '../../src/lib/config/load.js'
import {runCli, useCliHome} from './helpers/run-cli.js'

/** One value for each of 20 different keys. */
const VALUES: Record<string, string> = {
  opencode_web_port: '3100',
  bind: 'example.local',
  auto_restart: 'false',
  boot_mode: 'system',
  restart_retries: '9',
  restart_delay: '11',
  auth_username: 'admin',
  container_env: 'A=1',
  bind_address: '::1',
  trust_proxy: 'true',
  allow_unauthenticated_network: 'true',
  rate_limit_attempts: '12',
  rate_limit_window_seconds: '90',
  users: 'alice,bob',
  cockpit_port: '9091',
  cockpit_enabled: 'true',
  image_source: 'build',
  update_check: 'never',
  mounts: '/srv:/srv:ro',
  image_repositories: 'localhost:5000/sandbox',
}

describe('occ config set from 20 processes at once', () => {
  const home = useCliHome()

  it('keeps all 20 values in a valid file and leaves no lock or temp file', async () => {
    const results = await Promise.all(
      Object.entries(VALUES).map(([key, value]) =>
        runCli(['config:set', key, value], {env: home.env, timeoutMs: 60_000}),
      ),
    )
    for (const result of results) expect(result.code, result.stderr).to.equal(0)

    const file = home.configFile
    const {config, sources} = loadConfig({file, env: {}})
    const fromFile = Object.keys(VALUES).filter((key) => sources[key as keyof typeof sources] === 'file')
    expect(fromFile).to.have.length(20)
    expect(config).to.include({
      opencode_web_port: 3100,
      bind_address: '::1',
      image_source: 'build',
      update_check: 'never',
    })
    expect(config.users).to.deep.equal(['alice', 'bob'])
    expect(Object.keys(JSON.parse(readFileSync(file, 'utf8')))).to.have.length(21)
    expect(readdirSync(home.configDir)).to.deep.equal(['config.json'])
  })
})
