import type {ImageSource} from '../config/types.js'
import type {LocalImage, UpdateCheckReport} from './check.js'

import {ImagePullError} from './errors.js'

/** What image:update will do, and why, in a user's words. */
export interface UpdatePlan {
  action: 'build' | 'none' | 'pull'
  reason: string
}

export interface UpdateSituation {
  source: ImageSource
  force: boolean
  local: LocalImage | null
  /** The version this CLI wants. */
  wantedVersion: string
  /** The registry check; made only for prebuilt updates without --force. */
  check?: UpdateCheckReport
}

/**
 * Decides image:update: pull for `prebuilt`, build for `build`; nothing when the image is
 * already what a pull or build would give, unless forced. A tag published nowhere fails here.
 */
export function planUpdate(situation: UpdateSituation): UpdatePlan {
  const {check, force, local, source, wantedVersion} = situation
  if (source === 'build') {
    if (force) return {action: 'build', reason: '--force rebuilds even an image that is up to date'}
    if (!local) return {action: 'build', reason: 'there is no sandbox image yet and image_source is build'}
    if (local.source !== 'build')
      return {action: 'build', reason: 'the current image is prebuilt and image_source is build'}
    if (local.version !== wantedVersion)
      return {
        action: 'build',
        reason: `the built image is ${local.version ?? 'of unknown version'} and this occ wants ${wantedVersion}`,
      }
    return {
      action: 'none',
      reason: `the current image was built from source for ${wantedVersion}; use --force to rebuild it`,
    }
  }

  if (force || !check) return {action: 'pull', reason: '--force pulls even an image that is up to date'}
  switch (check.result) {
    case 'up-to-date': {
      return {
        action: 'none',
        reason: `${check.remote?.reference ?? check.tag} still serves the current image; use --force to pull it anyway`,
      }
    }

    case 'update-available': {
      if (!local) return {action: 'pull', reason: 'there is no sandbox image yet'}
      const versions =
        local.version !== undefined && check.remote?.version !== undefined && local.version !== check.remote.version
          ? ` (${local.version} → ${check.remote.version})`
          : ''
      return {
        action: 'pull',
        reason: `${check.remote?.reference ?? check.tag} serves a different image than the current one${versions}`,
      }
    }

    case 'built-locally': {
      return {action: 'pull', reason: 'the current image was built from source and image_source is prebuilt'}
    }

    case 'not-published': {
      throw new ImagePullError(check.tag, check.failures ?? [])
    }

    case 'unknown': {
      return {
        action: 'pull',
        reason: `the registries could not be asked (${check.reason ?? 'no answer'}); pulling to be sure`,
      }
    }
  }
}
