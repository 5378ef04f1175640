import type {BuildSource} from '../image/build.js'

import {
  type AcquireResult,
  buildSandboxImage,
  type BuildSandboxOptions,
  pullSandboxImage,
  type PullSandboxOptions,
} from '../image/acquire.js'
import {createBuildProgress} from './build-progress.js'
import {buildingLine, pullReporter, WAITING_FOR_LOCK} from './image-messages.js'
import {createPullProgress} from './pull-progress.js'
import type {ProgressMode} from './progress.js'

/** A pull that shows its progress on stderr (as `mode` says) and says when it waits for the lock. */
export async function pullWithProgress(
  mode: ProgressMode,
  options: Omit<PullSandboxOptions, 'onLockWait' | 'reporter'>,
): Promise<AcquireResult> {
  const progress = await createPullProgress(mode)
  try {
    return await pullSandboxImage({
      ...options,
      onLockWait: () => progress.log(WAITING_FOR_LOCK),
      reporter: pullReporter(progress, options.tag),
    })
  } finally {
    progress.stop()
  }
}

/** A build that shows its steps and output on stderr (as `mode` says). */
export async function buildWithProgress(
  mode: ProgressMode,
  source: BuildSource,
  options: Omit<BuildSandboxOptions, 'onEvent' | 'onLockWait'>,
): Promise<AcquireResult> {
  const progress = await createBuildProgress(mode)
  progress.log(buildingLine(source.dockerfile, source.context))
  try {
    return await buildSandboxImage({
      ...options,
      onEvent: (event) => progress.event(event),
      onLockWait: () => progress.log(WAITING_FOR_LOCK),
    })
  } finally {
    progress.stop()
  }
}
