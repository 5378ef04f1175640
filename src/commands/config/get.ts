import {Args} from '@oclif/core'

import {ConfigCommand} from '../../config-command.js'
import {valueText, visibleValue} from '../../lib/config/shown-value.js'
import {getLoadedConfig} from '../../lib/config/runtime.js'
import type {ConfigSource, ConfigValue, KeyName} from '../../lib/config/types.js'

export default class ConfigGet extends ConfigCommand {
  static override summary = 'Print the effective value of a config key.'
  static override description =
    'The value comes from OCC_<KEY> if set, else from config.json, else the default. ' +
    'It prints raw and alone: lists as JSON, a secret as ********, an unset value as an empty line.'

  static override examples = [
    '<%= config.bin %> <%= command.id %> image_source',
    '<%= config.bin %> <%= command.id %> port --json',
  ]

  static override args = {
    key: Args.string({description: 'Config key or alias (see config:list).', required: true, ignoreStdin: true}),
  }

  public async run(): Promise<{key: KeyName; value: ConfigValue; source: ConfigSource}> {
    const {args} = await this.parse(ConfigGet)
    const key = this.resolveKeyArg(args.key)
    const {config, sources} = getLoadedConfig()
    this.noticeConfigProblems()
    this.log(valueText(key, config[key]))
    return {key, value: visibleValue(key, config[key]), source: sources[key]}
  }
}
