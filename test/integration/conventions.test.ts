/**
 * What users type (issue 10): space-separated topics (`occ image pull`, colon ids still work),
 * -h and -v everywhere, `occ version`, and a mistyped command that names the closest one and
 * never exits 0. TERM=dumb gets plain progress lines even on a terminal.
 */
import {expect} from 'chai'

import {CURRENT, engine, imageId, type ImageHome, repository, seed, useFreshImageHome} from './helpers/occ-image.js'
import {PACKAGE, runCli, runInTerminal} from './helpers/run-cli.js'

const docker = engine()

describe('commands as users type them', function () {
  this.timeout(120_000)

  describe('with an image home', function () {
    let home: ImageHome

    useFreshImageHome(docker, (created) => {
      home = created
    })

    it("`occ image pull --json` pulls and prints the pull's JSON", async () => {
      const served = seed('primary', PACKAGE.opencodeCloud.sandboxVersion)
      const result = await runCli(['image', 'pull', '--json'], {env: home.envFor([repository('primary')])})
      expect(result.code, result.stderr).to.equal(0)
      const record = JSON.parse(result.stdout) as {image_id: string; version: string}
      expect(record).to.include({image_id: served.configDigest, version: PACKAGE.opencodeCloud.sandboxVersion})
      expect(await imageId(docker, CURRENT)).to.equal(served.configDigest)
      // The colon form is the same command.
      const state = await runCli(['image:state', '--json'], {env: home.envFor([repository('primary')])})
      expect(state.code, state.stderr).to.equal(0)
      expect(state.stdout).to.include(served.configDigest)
    })

    it('TERM=dumb on a terminal: plain progress lines, no cursor movement', async function () {
      seed('primary', PACKAGE.opencodeCloud.sandboxVersion)
      const env = {...process.env, ...home.envFor([repository('primary')]), TERM: 'dumb'}
      const {status, screen} = runInTerminal(['image', 'pull'], env)
      expect(status, screen).to.equal(0)
      expect(screen).to.include('Pulling sandbox image')
      expect(screen).not.to.include('\u001B[')
    })
  })

  it('NO_COLOR=1 on a terminal: help without colour, which TERM=xterm alone has', () => {
    // NO_COLOR is removed or set per run, and so are the CI variables (CI=true, FORCE_COLOR)
    // with which colour libraries decide for themselves.
    const help = (colour: Record<string, string>) => {
      const {CI: _ci, FORCE_COLOR: _force, NO_COLOR: _ignored, ...env} = process.env
      const {status, screen} = runInTerminal(['--help'], {...env, TERM: 'xterm', ...colour})
      expect(status, screen).to.equal(0)
      expect(screen).to.include('USAGE')
      return screen
    }

    expect(help({})).to.include('\u001B[')
    expect(help({NO_COLOR: '1'})).not.to.include('\u001B')
  })

  it('-h and --help print the same help for a command, and `occ image` lists its commands', async () => {
    const short = await runCli(['image', 'pull', '-h'])
    const long = await runCli(['image:pull', '--help'])
    expect(short.code).to.equal(0)
    expect(short.stdout).to.equal(long.stdout)
    expect(short.stdout).to.include('$ occ image pull')
    const topic = await runCli(['image'])
    expect(topic.stdout).to.match(/^ {2}image pull +Pull the prebuilt sandbox image/m)
  })

  it('occ version, occ -v and occ --version name the CLI, its version and the runtime', async () => {
    for (const args of [['version'], ['-v'], ['--version']]) {
      const result = await runCli(args)
      expect(result.code, args.join(' ')).to.equal(0)
      expect(result.stdout).to.match(
        new RegExp(`^opencode-cloud/${PACKAGE.version.replaceAll('.', '\\.')} \\S+ node-v(2[2-9]|[3-9]\\d)\\.`),
      )
    }
  })

  it('a mistyped command names the closest one and exits 127, in words and in --json', async () => {
    const typo = await runCli(['confg', 'gt'])
    expect(typo.code).to.equal(127)
    expect(typo.stdout).to.equal('')
    expect(typo.stderr).to.equal(
      'Error: "occ confg gt" is not an occ command.\n' +
        '  Did you mean "occ config get"? Run "occ help config" for the list of commands.\n',
    )
    const colon = await runCli(['imge:pul'])
    expect(colon.code).to.equal(127)
    expect(colon.stderr).to.include('Did you mean "occ image pull"?')
    const json = await runCli(['image', 'pul', '--json'])
    expect(json.code).to.equal(127)
    expect(JSON.parse(json.stdout)).to.deep.equal({
      error: {
        code: 'unknown_command',
        exitCode: 127,
        message: '"occ image pul" is not an occ command.',
        suggestion: 'Did you mean "occ image pull"? Run "occ help image" for the list of commands.',
      },
    })
    const nothingClose = await runCli(['xyzzy'])
    expect(nothingClose.code).to.equal(127)
    expect(nothingClose.stderr).to.equal(
      'Error: "occ xyzzy" is not an occ command.\n  Run "occ help" for the list of commands.\n',
    )
  })
})
