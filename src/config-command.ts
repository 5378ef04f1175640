import {BaseCommand} from './base-command.js'
import {notices, prompts, usageErrors} from './lib/config/messages.js'
import {getLoadedConfig, refusedPluginKeys} from './lib/config/runtime.js'
import {isSecret, resolveKey} from './lib/config/known-keys.js'
import {type KeyName} from './lib/config/schema.js'
import {typoOf} from './lib/config/suggest.js'
import {InterruptedError} from './lib/errors.js'
import {configFile} from './lib/occ-dirs.js'

const ENTER = new Set(['\r', '\n', '\u0004'])
const ERASE = new Set(['\u007F', '\b'])
const CTRL_C = '\u0003'

/**
 * Base of the config:* commands: key resolution, the file's path, and the terminal I/O they
 * share (hidden prompt, stdin, tables). The work itself is in src/lib/config.
 */
export abstract class ConfigCommand extends BaseCommand {
  /** Says which plugin config keys occ refused, so that whoever manages the config sees why. */
  public override async init(): Promise<void> {
    await super.init()
    for (const refused of refusedPluginKeys()) this.notice(notices.refusedPluginKey(refused))
  }

  /**
   * One note per key of the file nobody knows and per invalid OCC_<KEY>:
   * what other commands would refuse, said where it is shown.
   */
  protected noticeConfigProblems(): void {
    const {file, invalidEnv, unknown} = getLoadedConfig()
    for (const name of Object.keys(unknown)) this.notice(notices.unknownKey(file, name, typoOf(name)))
    for (const problem of invalidEnv) this.notice(notices.invalidEnv(problem.message))
  }

  protected get configFile(): string {
    return configFile()
  }

  /** The key (occ's or a plugin's) for a name or alias; an unknown name is a usage error suggesting the closest key. */
  protected resolveKeyArg(name: string): KeyName {
    const key = resolveKey(name)
    if (!key) throw usageErrors.unknownKey(name, typoOf(name))
    return key
  }

  /** Reads one line from the terminal without echoing it. */
  protected async promptHidden(question: string): Promise<string> {
    const {stdin, stderr} = process
    stderr.write(question)
    stdin.setRawMode(true)
    stdin.setEncoding('utf8')
    stdin.resume()
    try {
      return await new Promise<string>((resolve, reject) => {
        let answer = ''
        const onData = (chunk: string): void => {
          for (const char of chunk) {
            if (ENTER.has(char) || char === CTRL_C) {
              stdin.off('data', onData)
              if (char === CTRL_C) reject(new InterruptedError(`occ ${this.id}`))
              else resolve(answer)
              return
            }

            answer = ERASE.has(char) ? answer.slice(0, -1) : answer + char
          }
        }

        stdin.on('data', onData)
      })
    } finally {
      stdin.setRawMode(false)
      stdin.pause()
      stderr.write('\n')
    }
  }

  /** All of standard input, less one trailing newline. */
  protected async readStdin(): Promise<string> {
    const chunks: Buffer[] = []
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
    return Buffer.concat(chunks)
      .toString('utf8')
      .replace(/\r?\n$/, '')
  }

  /** Rows as aligned columns; on a terminal with a header and a rule, otherwise plain for scripts. */
  protected table(header: string[], rows: string[][]): string {
    const lines = process.stdout.isTTY ? [header, header.map((title) => '-'.repeat(title.length)), ...rows] : rows
    const widths = header.map((_, column) => Math.max(...lines.map((line) => line[column].length)))
    return lines
      .map((line) =>
        line
          .map((cell, column) => cell.padEnd(widths[column]))
          .join('  ')
          .trimEnd(),
      )
      .join('\n')
  }

  /**
   * The new value of `key`: the argument, or standard input with --stdin;
   * a secret only from a hidden prompt (asked twice) or --stdin, never argv.
   */
  protected async valueInput(key: KeyName, argument: string | undefined, stdin: boolean): Promise<string> {
    if (argument !== undefined && stdin) throw usageErrors.valueTwice(key)
    if (stdin) return this.readStdin()
    if (!isSecret(key)) {
      if (argument === undefined) throw usageErrors.valueMissing(key)
      return argument
    }

    if (argument !== undefined) throw usageErrors.secretInArgv(key)
    if (!this.interactive) throw usageErrors.secretNeedsTerminal(key)
    const first = await this.promptHidden(prompts.secret(key))
    if ((await this.promptHidden(prompts.secretAgain(key))) !== first) throw usageErrors.secretMismatch(key)
    return first
  }
}
