/**
 * Third-party plugins (issue 5): the fixture plugin test/fixtures/plugins/occ-plugin-hello is
 * linked with `occ plugins:link`, shows in help, runs a command that reads the config through
 * the public API, contributes config keys (and has two refused), and receives image-changed
 * events from image:pull and image:clear; after `plugins:unlink` its keys stay in the file
 * without breaking occ.
 */
import {expect} from 'chai'
import {existsSync, mkdirSync, readFileSync, rmSync, symlinkSync} from 'node:fs'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {engine, type ImageHome, makeImageHome, removeSandboxImages, repository} from './helpers/occ-image.js'
import {ROOT, runCli} from './helpers/run-cli.js'

const PLUGIN = fileURLToPath(new URL('../fixtures/plugins/occ-plugin-hello', import.meta.url))
/**
 * The fixture imports 'opencode-cloud' as an installed plugin would; this link makes that resolve to
 * this repository.
 */
const PACKAGE_LINK = join(PLUGIN, 'node_modules', 'opencode-cloud')
const docker = engine()

describe('plugins (occ-plugin-hello linked)', function () {
  this.timeout(120_000)
  let home: ImageHome
  let env: Record<string, string>
  let events: string

  const occ = (...args: string[]) => runCli(args, {env})
  const readEvents = () =>
    existsSync(events)
      ? readFileSync(events, 'utf8')
          .trim()
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line))
      : []

  before(async () => {
    rmSync(join(PLUGIN, 'node_modules'), {force: true, recursive: true})
    mkdirSync(join(PLUGIN, 'node_modules'))
    symlinkSync(ROOT, PACKAGE_LINK, 'dir')
    await removeSandboxImages(docker)
    home = makeImageHome()
    events = join(home.dir, 'events.jsonl')
    env = home.envFor([repository('primary')], {
      HOME: join(home.dir, 'home'),
      OCC_CACHE_DIR: join(home.dir, 'cache'),
      OCC_HELLO_EVENTS: events,
      // oclif warns that a linked ESM plugin is not transpiled: true, and noise here.
      OCLIF_DISABLE_LINKED_ESM_WARNING: '1',
    })
    mkdirSync(env.HOME)
    const linked = await occ('plugins:link', PLUGIN, '--no-install')
    expect(linked.code, linked.stderr).to.equal(0)
  })

  after(async () => {
    rmSync(join(PLUGIN, 'node_modules'), {force: true, recursive: true})
    home.remove()
    await removeSandboxImages(docker)
  })

  it('shows its topic and command in help', async () => {
    const help = await occ('--help')
    expect(help.stdout).to.match(/^ {2}hello +Greetings from a third-party plugin$/m)
    const topic = await occ('hello', '--help')
    expect(topic.stdout).to.match(/hello greet +Greet someone with the greeting set in hello_greeting\./)
  })

  it('runs its command, which reads the config through the public API', async () => {
    const result = await occ('hello:greet', '--name', 'tester')
    expect(result).to.include({code: 0, stdout: 'hi, tester! (calm; occ pulls prebuilt images)\n'})
    const overridden = await runCli(['hello:greet'], {
      env: {...env, OCC_HELLO_GREETING: 'yo', OCC_IMAGE_SOURCE: 'build'},
    })
    expect(overridden.stdout).to.equal('yo, world! (calm; occ pulls build images)\n')
  })

  it('sets, lists and validates its own keys with config:*', async () => {
    expect((await occ('config:set', 'hello_greeting', 'hey')).code).to.equal(0)
    expect((await occ('config:set', 'hello_times', '2')).code).to.equal(0)
    expect((await occ('config:set', 'HELLO_MOOD', 'Cheerful')).code).to.equal(0)
    expect((await occ('hello:greet')).stdout).to.equal('hey hey, world! (cheerful; occ pulls prebuilt images)\n')
    expect(await occ('config:get', 'hello_times')).to.include({code: 0, stdout: '2\n'})

    const list = await occ('config:list', '--json')
    const entries = JSON.parse(list.stdout) as {key: string; plugin?: string; source: string; value: unknown}[]
    expect(entries.find((entry) => entry.key === 'hello_greeting')).to.deep.equal({
      default: false,
      key: 'hello_greeting',
      plugin: 'occ-plugin-hello',
      source: 'file',
      value: 'hey',
    })
    expect((await occ('config:list')).stdout).to.match(/^hello_times +file +no +2$/m)

    const before = readFileSync(join(home.configDir, 'config.json'), 'utf8')
    const tooMany = await occ('config:set', 'hello_times', '9')
    expect(tooMany.code).to.equal(2)
    expect(tooMany.stderr).to.include('Error: Invalid value for hello_times: "9". Allowed: an integer from 1 to 5.')
    expect((await occ('config:set', 'hello_mood', 'grumpy')).stderr).to.include('Allowed: one of: calm, cheerful.')
    const typo = await occ('config:set', 'hello_gretting', 'x')
    expect(typo.stderr).to.include('Did you mean "hello_greeting"?')
    expect(readFileSync(join(home.configDir, 'config.json'), 'utf8')).to.equal(before)
  })

  it("refuses keys that clash with occ's or break the contract, naming plugin and key; occ's key holds", async () => {
    const list = await occ('config:list')
    expect(list.code).to.equal(0)
    expect(list.stderr).to.include(
      'Warning: the plugin occ-plugin-hello declares the config key "port", which occ refuses: ' +
        "it is an alias of occ's key opencode_web_port.",
    )
    expect(list.stderr).to.include(
      'declares the config key "hello_secret", which occ refuses: the keyword "x-secret" is not supported',
    )
    expect(list.stdout).not.to.match(/^(port|hello_secret) /m)
    expect(await occ('config:get', 'port', '--quiet')).to.include({code: 0, stdout: '3000\n'})
  })

  it('receives image-changed with the new record after image:pull, and with none after image:clear', async () => {
    const pulled = await occ('image:pull', '--json')
    expect(pulled.code, pulled.stderr).to.equal(0)
    const record = JSON.parse(pulled.stdout)
    expect(readEvents()).to.deep.equal([{action: 'pull', previous: null, record}])

    const cleared = await occ('image:clear', '--json')
    expect(cleared.code, cleared.stderr).to.equal(0)
    expect(readEvents()[1]).to.deep.equal({action: 'clear', previous: record, record: null})
    // Nothing left to clear: no change, no event.
    await occ('image:clear')
    expect(readEvents()).to.have.length(2)
  })

  it('reports a failing image-changed hook as a warning (not under --quiet); the pull stands', async () => {
    const warning =
      'Warning: the image-changed hook of the plugin occ-plugin-hello failed: the hello hook failed on purpose\n'
    const failing = {env: {...env, OCC_HELLO_FAIL: '1'}}
    const pulled = await runCli(['image:pull'], failing)
    expect(pulled.code, pulled.stderr).to.equal(0)
    expect(pulled.stderr).to.include(warning)
    expect((await occ('image:state', '--json')).stdout).to.include('"source": "prebuilt"')
    const json = await runCli(['image:clear', '--json'], failing)
    expect([json.code, json.stderr]).to.deep.equal([0, warning])
    await runCli(['image:pull', '--quiet'], failing)
    const quiet = await runCli(['image:clear', '--quiet'], failing)
    expect([quiet.code, quiet.stderr]).to.deep.equal([0, ''])
  })

  it('unlinks, leaving its keys as unknown keys in config.json: config:* show/remove them, others refuse', async () => {
    const unlinked = await occ('plugins:unlink', 'occ-plugin-hello')
    expect(unlinked.code, unlinked.stderr).to.equal(0)
    expect((await occ('--help')).stdout).not.to.include('hello')

    const list = await occ('config:list', '--json')
    expect(list.code).to.equal(0)
    const entries = JSON.parse(list.stdout) as {key: string; source: string}[]
    expect(entries.filter((entry) => entry.source === 'unknown').map((entry) => entry.key)).to.deep.equal([
      'hello_greeting',
      'hello_times',
      'hello_mood',
    ])

    // As issue 2 asks, a command that acts on the config refuses a key nobody knows, naming it and the fix.
    const refused = await occ('image:pull', '--tag', 'nowhere')
    expect(refused.code).to.equal(3)
    expect(refused.stderr).to.include('Unknown key "hello_greeting" in the config file')
    expect(refused.stderr).to.include(
      'If a plugin that is no longer installed added it, ' +
        'reinstall the plugin or remove the key with "occ config unset hello_greeting".',
    )
    expect(refused.stderr).not.to.include('Did you mean')
    for (const key of ['hello_greeting', 'hello_times', 'hello_mood'])
      expect(await occ('config:unset', key)).to.include({code: 0})
    // With them gone the pull runs (and finds no such tag).
    expect((await occ('image:pull', '--tag', 'nowhere')).code).to.equal(6)
  })
})
