/** The effective, validated config (defaults filled). Field names are the file's keys. */
export type ImageSource = 'prebuilt' | 'build'
export type UpdateCheck = 'always' | 'once' | 'never'
export type BootMode = 'user' | 'system'

export interface OccConfig {
  version: number
  opencode_web_port: number
  bind: string
  auto_restart: boolean
  boot_mode: BootMode
  restart_retries: number
  restart_delay: number
  auth_username: string | null
  auth_password: string | null
  container_env: string[]
  bind_address: string
  trust_proxy: boolean
  allow_unauthenticated_network: boolean
  rate_limit_attempts: number
  rate_limit_window_seconds: number
  users: string[]
  cockpit_port: number
  cockpit_enabled: boolean
  image_source: ImageSource
  update_check: UpdateCheck
  mounts: string[]
  image_repositories: string[]
}
