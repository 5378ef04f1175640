import {Hook} from '@oclif/core'

const hook: Hook<'init'> = async function () {}

export default hook
