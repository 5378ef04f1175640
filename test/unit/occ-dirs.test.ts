import {expect} from 'chai'

import {cacheDir, configDir, configFile, dataDir} from '../../src/lib/occ-dirs.js'

describe('dirs: where occ keeps its files, as oclif finds them on each platform', () => {
  it('Linux: XDG variables, else ~/.config, ~/.local/share and ~/.cache', () => {
    const env = {HOME: '/home/u'}
    expect(configDir(env, 'linux')).to.equal('/home/u/.config/opencode-cloud')
    expect(dataDir(env, 'linux')).to.equal('/home/u/.local/share/opencode-cloud')
    expect(cacheDir(env, 'linux')).to.equal('/home/u/.cache/opencode-cloud')
    expect(configFile({...env, XDG_CONFIG_HOME: '/x'}, 'linux')).to.equal('/x/opencode-cloud/config.json')
    expect(dataDir({...env, XDG_DATA_HOME: '/d'}, 'linux')).to.equal('/d/opencode-cloud')
  })

  it("OCC_*_DIR win everywhere (oclif's scoped variables)", () => {
    const env = {HOME: '/h', OCC_CACHE_DIR: '/c', OCC_CONFIG_DIR: '/k', OCC_DATA_DIR: '/d'}
    for (const platform of ['linux', 'darwin', 'win32'] as const) {
      expect([configDir(env, platform), dataDir(env, platform), cacheDir(env, platform)]).to.deep.equal([
        '/k',
        '/d',
        '/c',
      ])
    }
  })

  it('macOS: the cache under ~/Library/Caches, config and data as on Linux', () => {
    const env = {HOME: '/Users/u'}
    expect(cacheDir(env, 'darwin')).to.equal('/Users/u/Library/Caches/opencode-cloud')
    expect(configDir(env, 'darwin')).to.equal('/Users/u/.config/opencode-cloud')
  })

  it('Windows: %LOCALAPPDATA% for config, data and cache; the home from HOMEDRIVE+HOMEPATH or USERPROFILE', () => {
    const env = {LOCALAPPDATA: 'C:\\Users\\u\\AppData\\Local', USERPROFILE: 'C:\\Users\\u'}
    expect(configFile(env, 'win32')).to.equal('C:\\Users\\u\\AppData\\Local\\opencode-cloud\\config.json')
    expect(dataDir(env, 'win32')).to.equal('C:\\Users\\u\\AppData\\Local\\opencode-cloud')
    expect(cacheDir(env, 'win32')).to.equal('C:\\Users\\u\\AppData\\Local\\opencode-cloud')
    expect(dataDir({USERPROFILE: 'C:\\Users\\u'}, 'win32')).to.equal('C:\\Users\\u\\.local\\share\\opencode-cloud')
    expect(configDir({HOMEDRIVE: 'D:', HOMEPATH: '\\home\\u', USERPROFILE: 'C:\\Users\\u'}, 'win32')).to.equal(
      'D:\\home\\u\\.config\\opencode-cloud',
    )
  })
})
