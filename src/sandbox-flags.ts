import {Flags} from '@oclif/core'

/** Flags the sandbox commands share, so they read and behave alike. */

export const startFlags = {
  timeout: Flags.integer({
    default: 120,
    description: 'Seconds to wait for the sandbox to become healthy.',
    helpValue: 'S',
    min: 1,
  }),
  yes: Flags.boolean({
    char: 'y',
    description: 'Recreate the sandbox without asking when its configuration changed (needed when not on a terminal).',
  }),
}

/** occ start's own: the image's update before it, and the update check alongside it. */
export const startUpdateFlags = {
  update: Flags.boolean({description: 'Apply an available update of the image before starting.'}),
  'update-check': Flags.boolean({
    allowNo: true,
    default: true,
    description: 'Check for a newer image as update_check says; --no-update-check skips it this time.',
  }),
}

export const stopTimeFlag = Flags.integer({
  char: 't',
  default: 30,
  description: 'Seconds to wait for the sandbox to stop before it is killed.',
  helpValue: 'S',
  min: 0,
})
