import {expect} from 'chai'

import {removeKey, renameKey} from '../../../src/lib/config/jsonc-keys.js'

const lines = (...text: string[]): string => text.join('\n') + '\n'

interface Case {
  title: string
  before: string
  key: string
  after: string
}

const CASES: Case[] = [
  {
    title: 'a key alone on its line goes with its comma and its line',
    before: lines('{', '  "port": 8080,', '  "bind": "localhost"', '}'),
    key: 'port',
    after: lines('{', '  "bind": "localhost"', '}'),
  },
  {
    title: 'the last key goes with the comma before it',
    before: lines('{', '  "port": 8080,', '  "bind": "localhost"', '}'),
    key: 'bind',
    after: lines('{', '  "port": 8080', '}'),
  },
  {
    title: 'a comment on the line above the removed key stays',
    before: lines('{', '  // why 8080', '  "port": 8080,', '  "bind": "localhost"', '}'),
    key: 'port',
    after: lines('{', '  // why 8080', '  "bind": "localhost"', '}'),
  },
  {
    title: 'the comment after the key before the last one stays when the last goes',
    before: lines('{', '  "port": 8080, // mine', '  "bind": "localhost"', '}'),
    key: 'bind',
    after: lines('{', '  "port": 8080 // mine', '}'),
  },
  {
    title: "the comment after the key on the key's own line goes with it",
    before: lines('{', '  "port": 8080, // port comment', '  "bind": "localhost"', '}'),
    key: 'port',
    after: lines('{', '  "bind": "localhost"', '}'),
  },
  {
    title: 'a key sharing the line takes the place of the first key there',
    before: lines('{', '  // c', '  "port": 8080, "bind": "localhost",', '  "image_source": "build"', '}'),
    key: 'port',
    after: lines('{', '  // c', '  "bind": "localhost",', '  "image_source": "build"', '}'),
  },
  {
    title: 'the key before it on the line stays',
    before: lines('{', '  // c', '  "port": 8080, "bind": "localhost",', '  "image_source": "build"', '}'),
    key: 'bind',
    after: lines('{', '  // c', '  "port": 8080,', '  "image_source": "build"', '}'),
  },
  {title: 'one-line object, first key', before: '{"port": 1, "bind": "x"}', key: 'port', after: '{"bind": "x"}'},
  {title: 'one-line object, last key', before: '{"port": 1, "bind": "x"}', key: 'bind', after: '{"port": 1}'},
  {title: 'the only key', before: '{"port": 8080}', key: 'port', after: '{}'},
  {
    title: 'a value over several lines, with CRLF line ends kept',
    before: '{\r\n  "mounts": [\r\n    "/a:/a"\r\n  ],\r\n  "port": 1\r\n}\r\n',
    key: 'mounts',
    after: '{\r\n  "port": 1\r\n}\r\n',
  },
  {
    title: 'a trailing comma that was there stays',
    before: lines('{', '  "a": 1,', '  "port": 2,', '}'),
    key: 'port',
    after: lines('{', '  "a": 1,', '}'),
  },
  {title: 'every copy of a duplicated key', before: '{"port": 1, "a": 2, "port": 3}', key: 'port', after: '{"a": 2}'},
  {title: 'text without the key is unchanged', before: '{"a": 1}', key: 'port', after: '{"a": 1}'},
  {title: 'text that is no object is unchanged', before: '[1, 2]', key: 'port', after: '[1, 2]'},
  {title: 'a nested key is not top-level', before: '{"n": {"port": 1}}', key: 'port', after: '{"n": {"port": 1}}'},
]

describe('removeKey (JSONC)', () => {
  for (const {title, before, key, after} of CASES)
    it(title, () => {
      expect(removeKey(before, key)).to.equal(after)
    })
})

describe('renameKey (JSONC)', () => {
  it('renames a top-level key where it stands, keeping its value and the comments around it', () => {
    const text = lines('{', '  // ports', '  "port": 8080, // mine', '  "bind": "localhost"', '}')
    expect(renameKey(text, 'port', 'opencode_web_port')).to.equal(
      lines('{', '  // ports', '  "opencode_web_port": 8080, // mine', '  "bind": "localhost"', '}'),
    )
  })

  it('leaves text without the key, and nested keys, as they were', () => {
    expect(renameKey('{"a": 1}', 'port', 'x')).to.equal('{"a": 1}')
    expect(renameKey('{"n": {"port": 1}}', 'port', 'x')).to.equal('{"n": {"port": 1}}')
  })
})
