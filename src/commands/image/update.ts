import {Flags} from '@oclif/core'

import {BaseCommand} from '../../base-command.js'
import {buildFlags, buildInputs, tagFlag, wantedTag} from '../../image-flags.js'
import {dockerCredentials} from '../../lib/docker/credentials/index.js'
import {resolveEngineEndpoint} from '../../lib/docker/endpoint.js'
import {Engine} from '../../lib/docker/engine.js'
import {OccError} from '../../lib/errors.js'
import {checkImage, describeLocalImage, type UpdateCheckReport} from '../../lib/image/check.js'
import {retryPolicyFromEnv} from '../../lib/image/retry.js'
import {LOCAL_IMAGE_NAME, localReference, WANTED_SANDBOX_VERSION} from '../../lib/image/sandbox.js'
import type {ImageState} from '../../lib/image/state.js'
import {ImageStateStore} from '../../lib/image/state-store.js'
import {type UpdatePlan, planUpdate} from '../../lib/image/update.js'
import {checkByPull, EXPLICIT_CHECK_BUDGET_MS} from '../../lib/image/update-policy.js'
import {buildWithProgress, pullWithProgress} from '../../lib/ui/acquire-with-progress.js'
import {builtSummary, pulledSummary, updatePlanLine} from '../../lib/ui/image-messages.js'
import {warnLine} from '../../lib/ui/prompt.js'

interface UpdateOutput extends UpdatePlan {
  /** The record after the update (unchanged when nothing was done). */
  state: ImageState | null
  check?: UpdateCheckReport
}

export default class ImageUpdate extends BaseCommand {
  static override summary = 'Get a newer sandbox image the way image_source says: pull it or build it.'
  static override description = `With image_source prebuilt, checks the registries first and pulls only when they serve a different image; with image_source build, builds when the current image is not a build of ${WANTED_SANDBOX_VERSION}. The current image becomes ${LOCAL_IMAGE_NAME}:previous only once the new one is complete; a failed update changes nothing. The build flags apply when it builds.`

  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --force', '<%= config.bin %> <%= command.id %> --tag latest --json']

  static override flags = {
    ...buildFlags,
    force: Flags.boolean({description: 'Pull or build even when the current image is up to date.'}),
    tag: tagFlag('pull'),
  }

  public async run(): Promise<UpdateOutput> {
    const {flags} = await this.parse(ImageUpdate)
    const config = this.occConfig()
    const source = config.image_source
    if (source === 'build' && flags.tag !== undefined) {
      throw new OccError('usage', 'tag_needs_prebuilt', `--tag chooses a prebuilt image, but image_source is build: image:update builds ${WANTED_SANDBOX_VERSION} from source.`, {
        suggestion: `Run "occ image:pull --tag ${flags.tag}" to pull that tag, or "occ image:update" without --tag to build.`,
      })
    }

    const tag = wantedTag(flags.tag)
    const endpoint = resolveEngineEndpoint()
    const store = ImageStateStore.forEngine(endpoint, warnLine)
    const record = await store.read()
    const engine = await Engine.connect(endpoint, {signal: this.signal})
    const credentials = dockerCredentials()
    await engine.ping()
    const check =
      source === 'prebuilt' && !flags.force
        ? await checkImage({credentials, deadlineMs: EXPLICIT_CHECK_BUDGET_MS, engine, record, repositories: config.image_repositories, signal: this.signal, tag})
        : undefined
    const local = check ? check.local : describeLocalImage(record, (await engine.inspectImage(localReference('current'))) ?? null)
    const plan = planUpdate({check, force: flags.force, local, source, wantedVersion: WANTED_SANDBOX_VERSION})
    const output = {...plan, ...(check ? {check} : {})}
    if (plan.action === 'none') {
      this.log(updatePlanLine(plan))
      return {...output, state: record ?? null}
    }

    this.notice(updatePlanLine(plan))
    const mode = this.progressMode
    const common = {engine, signal: this.signal, store}
    if (plan.action === 'pull') {
      const result = await pullWithProgress(mode, {...common, credentials, policy: retryPolicyFromEnv(), repositories: config.image_repositories, tag, updateCheck: checkByPull(tag, WANTED_SANDBOX_VERSION, config.update_check)})
      this.log(pulledSummary(result.record, result.replacedId))
      await this.announceImageChange('update', result.record, result.before)
      return {...output, state: result.record}
    }

    const {request, source: buildSource} = await buildInputs(flags)
    const result = await buildWithProgress(mode, buildSource, {...common, request, version: WANTED_SANDBOX_VERSION})
    this.log(builtSummary(result.record, result.replacedId))
    await this.announceImageChange('update', result.record, result.before)
    return {...output, state: result.record}
  }
}
