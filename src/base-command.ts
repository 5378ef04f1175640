import {Command, Flags} from '@oclif/core'

import {getRuntimeConfig} from './lib/config/runtime.js'
import type {EffectiveConfig} from './lib/config/types.js'
import {EXIT_CODES, OccError, toOccError} from './lib/errors.js'
import type {ImageChangeAction} from './lib/image/image-changed-event.js'
import type {ImageState} from './lib/image/state.js'
import {progressMode, type ProgressMode} from './lib/ui/progress.js'

interface OclifCliError {
  code?: string
  oclif?: {exit?: number}
}

function isOclifError(error: unknown): error is Error & Required<Pick<OclifCliError, 'oclif'>> & OclifCliError {
  return error instanceof Error && typeof (error as OclifCliError).oclif?.exit === 'number'
}

/**
 * Every occ command extends this: it owns --json, the mapping of failures to one clear
 * line on stderr (or a JSON error object on stdout) with the exit code from the table,
 * and Ctrl-C handling through an AbortSignal handed to src/lib.
 */
export abstract class BaseCommand extends Command {
  static override enableJsonFlag = true

  static override baseFlags = {
    quiet: Flags.boolean({char: 'q', description: 'Print no progress or notices on stderr.', helpGroup: 'GLOBAL'}),
  }

  private readonly abortController = new AbortController()
  private interrupts = 0

  /** Aborted on the first Ctrl-C; a second one exits at once. */
  protected get signal(): AbortSignal {
    return this.abortController.signal
  }

  /** The validated config of this run; throws the config error when config.json is bad or has an unknown key. */
  protected occConfig(): EffectiveConfig {
    return getRuntimeConfig()
  }

  /**
   * Tells plugins that the current image changed: runs every plugin's `image-changed` hook
   * with the new record. A failing hook is reported as a warning; the change itself stands.
   */
  protected async announceImageChange(
    action: ImageChangeAction,
    record: ImageState | null,
    previous: ImageState | null,
  ): Promise<void> {
    // Loaded here: config commands, which never change the image, load no image module.
    const {IMAGE_CHANGED, imageChangedEvent} = await import('./lib/image/image-changed-event.js')
    const {hookFailedWarning} = await import('./lib/image/errors.js')
    const {failures} = await this.config.runHook(
      IMAGE_CHANGED,
      imageChangedEvent(action, record, previous),
      undefined,
      true,
    )
    for (const {error, plugin} of failures) this.warning(hookFailedWarning(IMAGE_CHANGED, plugin.name, error.message))
  }

  private get quiet(): boolean {
    return this.argv.includes('--quiet') || this.argv.includes('-q')
  }

  /** True when notices and progress may go to stderr. */
  protected get chatty(): boolean {
    return !this.jsonEnabled() && !this.quiet
  }

  /** How this run shows progress on stderr: live on a terminal, plain lines elsewhere, nothing under --json/--quiet. */
  protected get progressMode(): ProgressMode {
    return progressMode({chatty: this.chatty, isTTY: Boolean(process.stderr.isTTY), term: process.env.TERM})
  }

  /** True when a person can answer a prompt. */
  protected get interactive(): boolean {
    return Boolean(process.stdin.isTTY && process.stderr.isTTY)
  }

  /** Asks a yes/no question on the terminal; Ctrl-C interrupts. readline loads only when asked. */
  protected async confirm(question: string): Promise<boolean> {
    const {confirm} = await import('./lib/ui/prompt.js')
    return confirm(question, this.signal)
  }

  /**
   * A warning on stderr (a record moved aside, a plugin hook that failed):
   * silent only under --quiet, so --json output stays clean.
   */
  protected warning(message: string): void {
    if (!this.quiet) process.stderr.write(`${message}\n`)
  }

  /** A one-line notice on stderr; silent under --json and --quiet. */
  protected notice(message: string): void {
    if (this.chatty) process.stderr.write(`${message}\n`)
  }

  public override async init(): Promise<void> {
    await super.init()
    process.on('SIGINT', this.onInterrupt)
    process.on('SIGTERM', this.onInterrupt)
  }

  protected override async finally(error: Error | undefined): Promise<void> {
    process.off('SIGINT', this.onInterrupt)
    process.off('SIGTERM', this.onInterrupt)
    await super.finally(error)
  }

  private interruptedBy?: NodeJS.Signals

  /** 130 after Ctrl-C (SIGINT), 143 after SIGTERM: the codes a shell gives a process those signals end. */
  protected get interruptedExitCode(): number {
    return this.interruptedBy === 'SIGTERM' ? EXIT_CODES.terminated.code : EXIT_CODES.interrupted.code
  }

  private readonly onInterrupt = (signal: NodeJS.Signals): void => {
    this.interrupts += 1
    this.interruptedBy ??= signal
    if (this.interrupts > 1) process.exit(this.interruptedExitCode)
    this.abortController.abort()
  }

  protected override async catch(error: Error): Promise<void> {
    // Parse errors, `this.exit()` and help requests keep oclif's own handling and codes.
    if (isOclifError(error)) {
      if (error.code === 'EEXIT' || !this.jsonEnabled()) throw error
      const usage = new OccError('usage', 'usage', error.message, {
        suggestion: `Run "occ ${this.id?.replaceAll(':', ' ')} --help" for usage.`,
      })
      return this.fail(usage)
    }

    this.fail(toOccError(error))
  }

  private fail(error: OccError): void {
    const exitCode = error.kind === 'interrupted' ? this.interruptedExitCode : error.exitCode
    process.exitCode = exitCode
    if (this.jsonEnabled()) {
      this.logJson({error: {...error.toJSON(), exitCode}})
      return
    }

    const lines = [`Error: ${error.message}`]
    if (error.suggestion) lines.push(`  ${error.suggestion}`)
    if (error.kind === 'internal' && process.env.DEBUG && error.cause instanceof Error && error.cause.stack) {
      lines.push(error.cause.stack)
    }

    process.stderr.write(`${lines.join('\n')}\n`)
  }
}
