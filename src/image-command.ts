import {BaseCommand} from './base-command.js'
import {ImageCore} from './lib/core/images.js'
import {SandboxCore} from './lib/core/sandbox.js'
import {recreateQuestion} from './lib/ui/sandbox-messages.js'

const DEFAULT_FOLLOW_TIMEOUT_S = 120

/**
 * How long a running sandbox may take to become ready on a new image before the change is rolled
 * back: 120 s, or OCC_SANDBOX_READY_TIMEOUT_S (whole seconds) so that a test of the rollback does not wait two minutes.
 */
export function followTimeoutS(env: NodeJS.ProcessEnv = process.env): number {
  const seconds = Number(env.OCC_SANDBOX_READY_TIMEOUT_S)
  return Number.isInteger(seconds) && seconds > 0 ? seconds : DEFAULT_FOLLOW_TIMEOUT_S
}

/** Image and sandbox commands: the image core of this run, built when first used. */
export abstract class ImageCommand extends BaseCommand {
  private core?: ImageCore
  private sandboxCore?: SandboxCore

  protected get images(): ImageCore {
    this.core ??= new ImageCore({
      config: () => this.occConfig(),
      notice: (line) => this.notice(line),
      progressMode: this.progressMode,
      signal: this.signal,
      warning: (line) => this.warning(line),
    })
    return this.core
  }

  /**
   * Whether to recreate a sandbox whose configuration changed: --yes, else asked on a terminal,
   * else no (the start then fails naming the differences).
   */
  protected approveChanges(yes: boolean | undefined): (differences: string[]) => Promise<boolean> {
    return async (differences) =>
      yes === true || (this.interactive && !this.jsonEnabled() && this.confirm(recreateQuestion(differences)))
  }

  protected get sandbox(): SandboxCore {
    this.sandboxCore ??= new SandboxCore(this.images)
    return this.sandboxCore
  }
}
