import {Flags} from '@oclif/core'

import type {BuildInputs} from './lib/core/images.js'

import {InvalidTagError} from './lib/image/errors.js'
import {isValidTag} from './lib/image/reference.js'
import {WANTED_SANDBOX_VERSION} from './lib/image/sandbox.js'

/** Flags the image commands share, so they read and behave alike. */

export function tagFlag(verb: string) {
  return Flags.string({
    description: `Tag to ${verb} instead of the version this CLI is made for (${WANTED_SANDBOX_VERSION}).`,
    helpValue: 'TAG',
  })
}

/** The tag a command works on: --tag, else the wanted version. */
export function wantedTag(tag: string | undefined): string {
  const wanted = tag ?? WANTED_SANDBOX_VERSION
  if (!isValidTag(wanted)) throw new InvalidTagError(wanted)
  return wanted
}

export const buildFlags = {
  'build-arg': Flags.string({
    description: 'Set a build argument (repeatable); KEY alone takes its value from the environment.',
    helpValue: 'KEY=VALUE',
    multiple: true,
  }),
  context: Flags.string({
    description:
      "Directory sent to the engine as the build context (default: the Dockerfile's directory, or occ's own docker/).",
    helpValue: 'DIR',
  }),
  file: Flags.string({
    char: 'f',
    description: "Dockerfile to build (default: occ's own docker/Dockerfile, or DIR/Dockerfile with --context).",
    helpValue: 'FILE',
  }),
  'no-cache': Flags.boolean({description: 'Do not use the build cache.'}),
}

/** What to build and how, from the build flags. */
export function buildInputsOf(flags: {
  'build-arg'?: string[]
  context?: string
  file?: string
  'no-cache': boolean
}): BuildInputs {
  return {buildArgs: flags['build-arg'], context: flags.context, file: flags.file, noCache: flags['no-cache']}
}
