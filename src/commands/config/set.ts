import {Args, Flags} from '@oclif/core'

import {ConfigCommand} from '../../config-command.js'
import {envVariable} from '../../lib/config/env.js'
import {valueText, visibleValue} from '../../lib/config/shown-value.js'
import {notices} from '../../lib/config/messages.js'
import {keySchema} from '../../lib/config/known-keys.js'
import {setConfigValue} from '../../lib/config/store.js'
import type {ConfigValue, KeyName} from '../../lib/config/types.js'

export default class ConfigSet extends ConfigCommand {
  static override summary = 'Set a config key in config.json.'
  static override description =
    "VALUE is parsed by the key's type: booleans true/false/yes/no/1/0, integers in range, one of an enum, " +
    'lists as a JSON array or comma-separated. ' +
    'The whole config is validated before the file is written; comments and key order are kept. ' +
    'A secret key (auth_password) is never taken from the command line: ' +
    'it is prompted for on a terminal, or read with --stdin.'

  static override examples = [
    '<%= config.bin %> <%= command.id %> image_source build',
    '<%= config.bin %> <%= command.id %> image_repositories ' +
      'ghcr.io/prizz/opencode-cloud-sandbox,mirror.example.com/opencode-cloud-sandbox',
    'printf \'%s\' "$PASSWORD" | <%= config.bin %> <%= command.id %> auth_password --stdin',
  ]

  static override args = {
    key: Args.string({description: 'Config key or alias (see config:list).', required: true, ignoreStdin: true}),
    value: Args.string({
      description: 'The new value; leave it out for a secret key or with --stdin.',
      ignoreStdin: true,
    }),
  }

  static override flags = {
    stdin: Flags.boolean({description: 'Read VALUE from standard input (one trailing newline is dropped).'}),
  }

  public async run(): Promise<{key: KeyName; value: ConfigValue; file: string}> {
    const {args, flags} = await this.parse(ConfigSet)
    const key = this.resolveKeyArg(args.key)
    const value = await setConfigValue(this.configFile, key, await this.valueInput(key, args.value, flags.stdin))

    this.notice(notices.set(key, valueText(key, value), this.configFile))
    const replacement = keySchema(key)['x-deprecated']
    if (replacement) this.notice(notices.deprecated(key, replacement))
    if (process.env[envVariable(key)]) this.notice(notices.envOverrides(envVariable(key)))
    return {key, value: visibleValue(key, value), file: this.configFile}
  }
}
