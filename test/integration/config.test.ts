import {expect} from 'chai'
import {copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, utimesSync} from 'node:fs'
import {join} from 'node:path'

import {useConfigHome} from './helpers/config-home.js'

const FIXTURES = new URL('../fixtures/config/', import.meta.url)
const fixtureText = (name: string): string => readFileSync(new URL(name, FIXTURES), 'utf8')

describe('occ config:* (built CLI)', () => {
  const {home, json, occ, place} = useConfigHome()

  it('works on a fresh machine with every default, and reading writes nothing', async () => {
    expect(await occ(['config:get', 'image_source'])).to.deep.equal({stdout: 'prebuilt\n', stderr: '', code: 0})
    expect((await occ(['config:get', 'repositories'])).stdout).to.equal(
      '["ghcr.io/prizz/opencode-cloud-sandbox","docker.io/prizz/opencode-cloud-sandbox"]\n',
    )
    expect((await occ(['config:get', 'auth_password'])).stdout).to.equal('\n')
    const {body, code} = await json(['config:list'])
    expect(code).to.equal(0)
    expect(body).to.have.length(22)
    expect(
      body.every((entry: {source: string; default: boolean}) => entry.source === 'default' && entry.default),
    ).to.equal(true)
    expect(await occ(['config:path'])).to.deep.equal({stdout: `${home.configFile}\n`, stderr: '', code: 0})
    expect(existsSync(home.configDir)).to.equal(false)
  })

  it('sets, gets, lists, unsets and resets keys by name or alias', async () => {
    const set = await occ(['config:set', 'source', 'BUILD'])
    expect(set).to.deep.equal({stdout: '', stderr: `Set image_source to build in ${home.configFile}.\n`, code: 0})
    expect((await occ(['config:set', 'port', '8080'])).code).to.equal(0)
    expect((await occ(['config:set', 'env', 'A=1,B=2'])).code).to.equal(0)
    expect((await occ(['config:set', 'cockpit', 'yes'])).code).to.equal(0)
    expect((await occ(['config:get', 'image_source'])).stdout).to.equal('build\n')
    expect((await occ(['config:get', 'container_env'])).stdout).to.equal('["A=1","B=2"]\n')
    expect(JSON.parse(readFileSync(home.configFile, 'utf8'))).to.deep.equal({
      version: 1,
      image_source: 'build',
      opencode_web_port: 8080,
      container_env: ['A=1', 'B=2'],
      cockpit_enabled: true,
    })

    const list = await occ(['config:list'])
    expect(list.stdout).to.match(/^opencode_web_port +file +no +8080$/m)
    expect(list.stdout).to.match(/^update_check +default +yes +always$/m)

    expect(await occ(['config:unset', 'port'])).to.deep.equal({
      stdout: '',
      stderr: `Removed opencode_web_port from ${home.configFile}; its default applies again.\n`,
      code: 0,
    })
    expect((await json(['config:get', 'port'])).body).to.deep.equal({
      key: 'opencode_web_port',
      value: 3000,
      source: 'default',
    })

    const reset = await json(['config:reset', '--force'])
    expect(reset.body).to.deep.equal({file: home.configFile, reset: true, backup: `${home.configFile}.bak`})
    expect(readFileSync(home.configFile, 'utf8')).to.equal('{\n  "version": 1\n}\n')
    expect(JSON.parse(readFileSync(`${home.configFile}.bak`, 'utf8'))).to.include({image_source: 'build'})
    expect((await occ(['config:get', 'image_source'])).stdout).to.equal('prebuilt\n')
  })

  it('rejects invalid values and unknown keys with the file byte for byte unchanged', async () => {
    await occ(['config:set', 'image_source', 'build'])
    const before = readFileSync(home.configFile)
    const cases: Array<[string[], RegExp]> = [
      [
        ['config:set', 'port', '80'],
        /^Error: Invalid value for opencode_web_port: "80"\. Allowed: an integer from 1024 to 65535\.$/m,
      ],
      [['config:set', 'update_check', 'weekly'], /Allowed: one of: always, once, never\./],
      [['config:set', 'trust_proxy', 'maybe'], /Allowed: true\/false, yes\/no or 1\/0\./],
      [['config:set', 'bind_address', 'example.com'], /Allowed: an IPv4 or IPv6 address/],
      [['config:set', 'image_repositories', '[]'], /at least 1/],
      [
        ['config:set', 'imge_source', 'build'],
        /^Error: Unknown config key "imge_source"\.\n {2}Did you mean "image_source"\?/,
      ],
      [['config:set', 'version', '1'], /version is managed by occ/],
      [['config:set', 'image_source'], /Missing VALUE for image_source/],
      [['config:unset', 'imge_source'], /Did you mean "image_source"\?/],
      [['config:get', 'prot'], /Did you mean "opencode_web_port"\?/],
    ]
    for (const [args, message] of cases) {
      const result = await occ(args)
      expect(result.code, args.join(' ')).to.equal(2)
      expect(result.stdout, args.join(' ')).to.equal('')
      expect(result.stderr, args.join(' ')).to.match(message)
      expect(readFileSync(home.configFile).equals(before), args.join(' ')).to.equal(true)
    }
  })

  it('refuses a key of the file nobody knows to image commands, while config:* list and remove it', async () => {
    place('{"version": 1, "imge_source": "build"}\n')
    const before = readFileSync(home.configFile)
    const noEngine = {env: {DOCKER_HOST: `unix://${join(home.configDir, 'no-engine.sock')}`}}
    const refused = await occ(['image:pull'], noEngine)
    expect(refused.code).to.equal(3)
    expect(refused.stderr).to.equal(
      `Error: Unknown key "imge_source" in the config file ${home.configFile}.\n` +
        '  Did you mean "image_source"? Rename it in the file, or remove it with "occ config unset imge_source".\n',
    )
    expect(readFileSync(home.configFile).equals(before)).to.equal(true)

    const {body} = await json(['config:list'])
    expect(body).to.deep.include({key: 'imge_source', value: 'build', source: 'unknown', default: false})
    expect((await occ(['config:get', 'image_source'])).stdout).to.equal('prebuilt\n')
    expect((await occ(['config:unset', 'imge_source'])).code).to.equal(0)
    // With the key gone the config is fine: the pull gets as far as the (missing) engine.
    expect((await occ(['image:pull'], noEngine)).code).to.equal(4)
  })

  it("loads the original tool's file and keeps its comments through a config:set", async () => {
    mkdirSync(home.configDir)
    copyFileSync(new URL('original-full.json', FIXTURES), home.configFile)
    const {body} = await json(['config:list'])
    const values = Object.fromEntries(body.map((entry: {key: string; value: unknown}) => [entry.key, entry.value]))
    expect(values).to.include({
      opencode_web_port: 3100,
      boot_mode: 'system',
      auth_password: '********',
      cockpit_port: 9091,
      update_check: 'once',
    })
    expect((await occ(['config:get', 'password'])).stdout).to.equal('********\n')

    expect((await occ(['config:set', 'image_source', 'prebuilt'])).code).to.equal(0)
    expect(readFileSync(home.configFile, 'utf8')).to.equal(
      fixtureText('original-full.json').replace('"image_source": "build"', '"image_source": "prebuilt"'),
    )
  })

  it('names file and position of a broken file, still serves help, and config:reset --force repairs it', async () => {
    place(fixtureText('broken.json'))
    const get = await occ(['config:get', 'image_source'])
    expect(get.code).to.equal(3)
    expect(get.stderr).to.equal(
      `Error: The config file ${home.configFile} is not valid JSON (line 4, column 3): comma expected.\n` +
        '  Fix the file by hand, or run "occ config reset --force" to start over ' +
        '(the old file is kept as config.json.bak, or config.json.bak.N when that exists).\n',
    )
    for (const args of [['--help'], ['--version'], ['config', '--help'], ['config:set', '--help'], ['config:path']]) {
      expect((await occ(args)).code, args.join(' ')).to.equal(0)
    }

    const set = await occ(['config:set', 'image_source', 'build'])
    expect(set.code).to.equal(3)
    expect(readFileSync(home.configFile, 'utf8')).to.equal(fixtureText('broken.json'))

    const refused = await occ(['config:reset'])
    expect([refused.code, refused.stderr]).to.deep.equal([
      2,
      'Error: config:reset asks for confirmation, and there is no terminal to ask on.\n' +
        '  Run "occ config reset --force" to reset without asking.\n',
    ])
    expect((await occ(['config:reset', '--force'])).code).to.equal(0)
    expect(readFileSync(`${home.configFile}.bak`, 'utf8')).to.equal(fixtureText('broken.json'))
    expect(await occ(['config:get', 'image_source'])).to.deep.equal({stdout: 'prebuilt\n', stderr: '', code: 0})
  })

  it('answers --json with stable objects and errors, with the exit codes of the table', async () => {
    expect((await json(['config:set', 'source', 'build'])).body).to.deep.equal({
      key: 'image_source',
      value: 'build',
      file: home.configFile,
    })
    expect((await json(['config:get', 'image_source'])).body).to.deep.equal({
      key: 'image_source',
      value: 'build',
      source: 'file',
    })
    expect((await json(['config:list'])).body[0]).to.deep.equal({
      key: 'version',
      value: 1,
      source: 'file',
      default: true,
    })
    expect((await json(['config:unset', 'image_source'])).body).to.deep.equal({
      key: 'image_source',
      removed: true,
      file: home.configFile,
    })
    expect((await json(['config:path'])).body).to.deep.equal({path: home.configFile, exists: true})

    const usage = await json(['config:set', 'port', '1'])
    expect(usage.code).to.equal(2)
    expect(usage.stderr).to.equal('')
    expect(usage.body).to.deep.equal({
      error: {
        code: 'invalid_value',
        exitCode: 2,
        message: 'Invalid value for opencode_web_port: "1". Allowed: an integer from 1024 to 65535.',
        suggestion: 'Run "occ config set opencode_web_port VALUE" with an allowed value.',
        details: {key: 'opencode_web_port'},
      },
    })

    const missingArg = await json(['config:get'])
    expect([missingArg.code, missingArg.body.error.code]).to.deep.equal([2, 'usage'])

    place('{"version": 9}')
    const config = await json(['config:get', 'image_source'])
    expect(config.code).to.equal(3)
    expect(config.body.error).to.include({code: 'config_version_unsupported', exitCode: 3})
  })

  it('lets OCC_<KEY> override the file for one run, and rejects an invalid one', async () => {
    await occ(['config:set', 'image_source', 'prebuilt'])
    const env = {OCC_IMAGE_SOURCE: 'build', OCC_IMAGE_REPOSITORIES: 'localhost:5000/a/sandbox,127.0.0.1:5001/b/sandbox'}
    expect((await json(['config:get', 'image_source'], {env})).body).to.deep.equal({
      key: 'image_source',
      value: 'build',
      source: 'env',
    })
    expect((await occ(['config:get', 'image_repositories'], {env})).stdout).to.equal(
      '["localhost:5000/a/sandbox","127.0.0.1:5001/b/sandbox"]\n',
    )
    expect((await occ(['config:get', 'image_source'])).stdout).to.equal('prebuilt\n')
    const set = await occ(['config:set', 'image_source', 'prebuilt'], {env})
    expect(set.stderr).to.include(
      'Note: OCC_IMAGE_SOURCE is set in your environment and overrides this value while it is set.',
    )

    // config:* show the config despite it (see config-files.test.ts); commands that act on it refuse.
    const invalid = await occ(['image:check'], {env: {OCC_IMAGE_SOURCE: 'docker'}})
    expect([invalid.code, invalid.stderr.split('\n')[0]]).to.deep.equal([
      3,
      'Error: Invalid value in the environment variable OCC_IMAGE_SOURCE: "docker". Allowed: one of: prebuilt, build.',
    ])
  })

  it('says a never-set key was not set and changes nothing, without rewriting or creating the file', async () => {
    expect(await occ(['config:unset', 'image_source'])).to.deep.equal({
      stdout: '',
      stderr: `image_source was not set in ${home.configFile}; nothing changed.\n`,
      code: 0,
    })
    expect(existsSync(home.configFile)).to.equal(false)

    const text = '{\n  "version": 1, // kept\n  "opencode_web_port": 3100\n}\n'
    place(text)
    const old = new Date('2020-01-01T00:00:00Z')
    utimesSync(home.configFile, old, old)
    const {ino} = statSync(home.configFile)
    const unset = await occ(['config:unset', 'image_source'], {env: {OCC_IMAGE_SOURCE: 'build'}})
    expect(unset).to.deep.equal({
      stdout: '',
      stderr: `image_source was not set in ${home.configFile}; nothing changed.\n`,
      code: 0,
    })
    expect(readFileSync(home.configFile, 'utf8')).to.equal(text)
    expect([statSync(home.configFile).ino, statSync(home.configFile).mtimeMs]).to.deep.equal([ino, old.getTime()])
    expect((await json(['config:unset', 'image_source'])).body).to.deep.equal({
      key: 'image_source',
      removed: false,
      file: home.configFile,
    })
  })

  it('changes only the edited value of an oddly formatted file: every other byte stays as it was', async () => {
    const lines = [
      '{',
      '\t// tabs, comments, odd spacing',
      '\t"version": 1,',
      '\t/* port */ "opencode_web_port":   3100 , "trust_proxy" : true,',
      '\t"container_env": ["A=1",]',
      '}',
      '',
    ]
    place(lines.join('\n'))
    expect((await occ(['config:set', 'port', '3001'])).code).to.equal(0)
    const changed = lines.with(3, lines[3].replace('3100', '3001'))
    expect(readFileSync(home.configFile, 'utf8')).to.equal(changed.join('\n'))

    // A key added after the array, and one removed before it, leave the array's line as it was.
    expect((await occ(['config:set', 'cockpit_port', '9091'])).code).to.equal(0)
    const added = changed.toSpliced(4, 1, '\t"container_env": ["A=1",],', '\t"cockpit_port": 9091')
    expect(readFileSync(home.configFile, 'utf8')).to.equal(added.join('\n'))
    expect((await occ(['config:unset', 'cockpit_port'])).code).to.equal(0)
    expect(readFileSync(home.configFile, 'utf8')).to.equal(changed.join('\n'))
  })

  it('keeps the file 0600 in the 0700 directory it creates, with no temp or lock files left', async () => {
    await occ(['config:set', 'image_source', 'build'])
    expect(statSync(home.configFile).mode & 0o777).to.equal(0o600)
    expect(statSync(home.configDir).mode & 0o777).to.equal(0o700)
    expect(readdirSync(home.configDir)).to.deep.equal(['config.json'])
  })

  it('takes a secret only from a prompt or --stdin, and never prints it', async () => {
    const argv = await occ(['config:set', 'password', 'hunter2'])
    expect(argv.code).to.equal(2)
    expect(argv.stderr).to.include('auth_password is secret and is never taken from the command line')
    expect(existsSync(home.configFile)).to.equal(false)

    const noTerminal = await occ(['config:set', 'auth_password'])
    expect([noTerminal.code, noTerminal.stderr.split('\n')[0]]).to.deep.equal([
      2,
      'Error: auth_password is typed at a hidden prompt, and there is no terminal to prompt on.',
    ])

    const piped = await json(['config:set', 'auth_password', '--stdin'], {stdin: 'hunter2\n'})
    expect(piped.body).to.deep.equal({key: 'auth_password', value: '********', file: home.configFile})
    expect(JSON.parse(readFileSync(home.configFile, 'utf8')).auth_password).to.equal('hunter2')
    const outputs = await Promise.all([
      occ(['config:get', 'auth_password']),
      occ(['config:list']),
      occ(['config:list', '--json']),
    ])
    for (const output of outputs) expect(output.stdout + output.stderr).to.not.include('hunter2')
  })
})
