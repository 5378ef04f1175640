import {BaseCommand} from './base-command.js'
import {ImageCore} from './lib/core/images.js'
import {SandboxCore} from './lib/core/sandbox.js'

/** How long a running sandbox may take to become ready on a new image before the change is rolled back. */
export const FOLLOW_TIMEOUT_S = 120

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

  protected get sandbox(): SandboxCore {
    this.sandboxCore ??= new SandboxCore(this.images)
    return this.sandboxCore
  }
}
