/** The effective, validated config (defaults filled). Field names are the file's keys. */
import type {OccConfig} from './schema.js'

export type {ConfigKey, ConfigValue, EffectiveConfig, KeyName, OccConfig} from './schema.js'
export type ImageSource = OccConfig['image_source']
export type UpdateCheckPolicy = OccConfig['update_check']
export type BootMode = OccConfig['boot_mode']

/** Where an effective value comes from. */
export type ConfigSource = 'env' | 'file' | 'default'
