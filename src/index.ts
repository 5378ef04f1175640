/** Public API for plugin authors: read occ's config and image record without loading the CLI. */
export {configDir, configFile, dataDir, imageStateFile} from './lib/paths.js'
export {EXIT_CODES, OccError} from './lib/errors.js'
