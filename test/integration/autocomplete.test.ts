/**
 * Shell completion (issue 5): `occ autocomplete bash|zsh|powershell` prints setup instructions, and
 * the bash script it generates, installed the way those instructions say, completes commands and
 * flags in a real bash. PowerShell (no Debian package) is checked statically: the plugin's own script.
 *
 * Completion is simulated the way bash itself calls a completion function: COMP_WORDS split at the
 * characters of COMP_WORDBREAKS (so `config:s` is the three words `config`, `:`, `s`), COMP_CWORD,
 * COMP_LINE and COMP_POINT set, then the function `complete -p occ` names is called and COMPREPLY
 * is printed. The plugin's script relies on bash-completion (`_get_comp_words_by_ref`,
 * `__ltrim_colon_completions`), which distributions load in every interactive shell; it is loaded
 * here the same way.
 */
import {expect} from 'chai'
import {spawnSync} from 'node:child_process'
import {chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {ensurePackages} from '../env/system.js'
import {BIN, ROOT, runCli} from './helpers/run-cli.js'

const BASH_COMPLETION = '/usr/share/bash-completion/bash_completion'

interface ManifestCommand {
  hidden?: boolean
  flags: Record<string, {hidden?: boolean}>
}

/** The visible commands and flags the built CLI declares (what completion must offer). */
function manifest(): Record<string, ManifestCommand> {
  const parsed = JSON.parse(readFileSync(join(ROOT, 'oclif.manifest.json'), 'utf8')) as {
    commands: Record<string, ManifestCommand>
  }
  return Object.fromEntries(Object.entries(parsed.commands).filter(([, command]) => !command.hidden))
}

function publicFlags(command: ManifestCommand): string[] {
  return Object.entries(command.flags)
    .filter(([, flag]) => !flag.hidden)
    .map(([name]) => `--${name}`)
}

/** COMP_WORDS as bash builds them: split at blanks, and each run of `:` / `=` is a word of its own. */
function compWords(line: string): string[] {
  const words = line
    .split(/\s+/)
    .flatMap((token) => token.split(/([:=]+)/))
    .filter((word) => word !== '')
  return line.endsWith(' ') ? [...words, ''] : words
}

function shellQuote(word: string): string {
  return `'${word.replaceAll("'", "'\\''")}'`
}

describe('shell completion (occ autocomplete)', function () {
  this.timeout(60_000)
  let dir: string
  let env: Record<string, string>

  before(function () {
    dir = mkdtempSync(join(tmpdir(), 'occ-autocomplete-'))
    env = {
      HOME: join(dir, 'home'),
      OCC_CACHE_DIR: join(dir, 'cache'),
      OCC_CONFIG_DIR: join(dir, 'config'),
      OCC_DATA_DIR: join(dir, 'data'),
    }
    mkdirSync(env.HOME, {recursive: true})
    // The CLI as a user has it: `occ` on PATH.
    const bin = join(dir, 'bin')
    mkdirSync(bin)
    writeFileSync(join(bin, 'occ'), `#!/bin/sh\nexec ${shellQuote(process.execPath)} ${shellQuote(BIN)} "$@"\n`)
    chmodSync(join(bin, 'occ'), 0o755)
    env.PATH = `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}`
  })

  after(function () {
    rmSync(dir, {force: true, recursive: true})
  })

  for (const [shell, rcFile] of [
    ['bash', '~/.bashrc'],
    ['zsh', '~/.zshrc'],
    ['powershell', '$PROFILE'],
  ] as const) {
    it(`occ autocomplete ${shell} exits 0 and prints the setup instructions`, async function () {
      const result = await runCli(['autocomplete', shell], {env})
      expect(result.code, result.stderr).to.equal(0)
      expect(result.stderr).not.to.match(/Error/)
      expect(result.stdout).to.include('Setup Instructions for OCC CLI Autocomplete')
      expect(result.stdout).to.include(`occ autocomplete script ${shell}`)
      expect(result.stdout).to.include(rcFile)
    })
  }

  it('autocomplete --refresh-cache writes bash, zsh and PowerShell completions under the cache dir', async function () {
    const result = await runCli(['autocomplete', '--refresh-cache'], {env})
    expect(result.code, result.stderr).to.equal(0)
    expect(result.stdout).not.to.include('Setup Instructions')
    const cache = join(env.OCC_CACHE_DIR, 'autocomplete')
    for (const file of [
      'bash_setup',
      'zsh_setup',
      'functions/bash/occ.bash',
      'functions/zsh/_occ',
      'functions/powershell/occ.ps1',
    ]) {
      expect(existsSync(join(cache, file)), file).to.equal(true)
    }
    // zsh: every topic and top-level command once (occ once listed `autocomplete` twice).
    const zsh = readFileSync(join(cache, 'functions/zsh/_occ'), 'utf8')
    for (const word of ['config', 'image', 'autocomplete', 'version']) {
      expect(zsh.match(new RegExp(`^"${word}\\[`, 'gm')), word).to.have.length(1)
    }
  })

  it("the PowerShell script (the plugin's own) completes every topic, verb and image pull's flags", async function () {
    const line = await runCli(['autocomplete', 'script', 'powershell'], {env})
    expect(line.code, line.stderr).to.equal(0)
    const file = join(env.OCC_CACHE_DIR, 'autocomplete', 'functions', 'powershell', 'occ.ps1')
    expect(line.stdout).to.include(file)
    const script = readFileSync(file, 'utf8')
    for (const id of Object.keys(manifest())) {
      for (const word of id.split(':')) expect(script).to.include(`"${word}" = @{`)
    }

    const pull = script.slice(script.indexOf('"pull" = @{'))
    const pullFlags = pull.slice(0, pull.indexOf('\n}\n}\n'))
    for (const flag of publicFlags(manifest()['image:pull']))
      expect(pullFlags).to.include(`"${flag.slice(2)}" = @{ "summary" = `)
  })

  describe('in a real bash, installed as the instructions say', function () {
    const cases = [
      'occ ',
      'occ con',
      'occ config ',
      'occ config s',
      'occ image pull --',
      'occ image pull --t',
      'opencode-cloud con',
    ]
    let replies: Map<string, string[]>
    let spec: string
    let stderr: string
    /** The distinct words bash offers for `line`, sorted: bash drops repeated words itself. */
    const unique = (line: string): string[] => [...new Set(replies.get(line) ?? [])].sort()

    before(async function () {
      await ensurePackages([{name: 'bash-completion', provides: BASH_COMPLETION}])
      const generated = await runCli(['autocomplete', 'bash'], {env})
      expect(generated.code, generated.stderr).to.equal(0)
      const script = [
        'set -u',
        `source ${BASH_COMPLETION}`,
        // Step 1 of `occ autocomplete bash`, verbatim.
        'printf "$(occ autocomplete script bash)" >> ~/.bashrc; source ~/.bashrc',
        'spec=$(complete -p occ) && printf "SPEC\\t%s\\n" "$spec"',
        'simulate() {',
        '  local line=$1; shift',
        '  local fn; fn=$(complete -p "$1" | sed -E "s/.* -F ([^ ]+) .*/\\1/")',
        '  COMP_LINE=$line; COMP_POINT=${#line}; COMP_WORDS=("$@"); ' +
          'COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMPREPLY=()',
        '  "$fn" "$1" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"',
        '  local IFS=" "; printf "REPLY\\t%s\\t%s\\n" "$line" "${COMPREPLY[*]}"',
        '}',
        ...cases.map((line) => `simulate ${[line, ...compWords(line)].map((word) => shellQuote(word)).join(' ')}`),
      ].join('\n')
      const bash = spawnSync('bash', ['--norc', '--noprofile', '-c', script], {
        cwd: dir,
        encoding: 'utf8',
        env: {...process.env, ...env},
        timeout: 30_000,
      })
      expect(bash.status, bash.stderr).to.equal(0)
      stderr = bash.stderr
      spec = /^SPEC\t(.*)$/m.exec(bash.stdout)?.[1] ?? ''
      replies = new Map()
      for (const [, line, reply] of bash.stdout.matchAll(/^REPLY\t([^\t]*)\t(.*)$/gm)) {
        replies.set(
          line,
          reply.split(' ').filter((word) => word !== ''),
        )
      }
    })

    it('registers a completion function for occ (and the opencode-cloud alias) without errors', function () {
      expect(spec).to.match(/^complete .*-F _occ_autocomplete occ$/)
      expect(stderr).to.equal('')
    })

    it('completes `occ con` to the config topic, and `occ config ` to its verbs', function () {
      const verbs = Object.keys(manifest())
        .filter((id) => id.startsWith('config:'))
        .map((id) => id.slice('config:'.length))
        .sort()
      expect(verbs).to.include.members(['get', 'list', 'set', 'unset'])
      expect(unique('occ con')).to.deep.equal(['config'])
      expect(unique('opencode-cloud con')).to.deep.equal(['config'])
      expect(unique('occ config ')).to.deep.equal(verbs)
      expect(unique('occ config s')).to.deep.equal(['set'])
    })

    it('offers every topic and top-level command on `occ `, each once', function () {
      const occsOwn = Object.keys(manifest()).map((id) => id.split(':')[0])
      expect(unique('occ ')).to.deep.equal(
        [...new Set([...occsOwn, 'autocomplete', 'help', 'plugins', 'version'])].sort(),
      )
      expect(unique('occ ')).to.include.members(['config', 'image', 'start', 'status', 'stop', 'logs', 'restart'])
      // The plugin's script repeats a topic once per command in it (bash shows each once); a command only once.
      expect(replies.get('occ ')?.filter((word) => word === 'autocomplete')).to.deep.equal(['autocomplete'])
    })

    it('completes the flags of image pull', function () {
      const pull = manifest()['image:pull']
      expect(pull, 'image:pull in oclif.manifest.json').not.to.equal(undefined)
      const flags = replies.get('occ image pull --') ?? []
      expect(flags).to.include.members(['--tag', '--json', '--quiet'])
      expect([...flags].sort()).to.deep.equal(publicFlags(pull).sort())
      expect(replies.get('occ image pull --t')).to.deep.equal(['--tag'])
    })
  })
})
