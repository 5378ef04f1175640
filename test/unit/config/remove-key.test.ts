import {expect} from 'chai'

import {removeKey} from '../../../src/lib/config/remove-key.js'

const lines = (...text: string[]): string => text.join('\n') + '\n'

describe('removeKey (JSONC)', () => {
  it('removes a key alone on its line with its comma', () => {
    const text = lines('{', '  "port": 8080,', '  "bind": "localhost"', '}')
    expect(removeKey(text, 'port')).to.equal(lines('{', '  "bind": "localhost"', '}'))
  })

  it('removes the last key and the comma before it', () => {
    const text = lines('{', '  "port": 8080,', '  "bind": "localhost"', '}')
    expect(removeKey(text, 'bind')).to.equal(lines('{', '  "port": 8080', '}'))
  })

  it('keeps a comment on the line above the removed key', () => {
    const text = lines('{', '  // why 8080', '  "port": 8080,', '  "bind": "localhost"', '}')
    expect(removeKey(text, 'port')).to.equal(lines('{', '  // why 8080', '  "bind": "localhost"', '}'))
  })

  it('keeps the comment after the key before it when the last key goes', () => {
    const text = lines('{', '  "port": 8080, // mine', '  "bind": "localhost"', '}')
    expect(removeKey(text, 'bind')).to.equal(lines('{', '  "port": 8080 // mine', '}'))
  })

  it("removes the comment after the key on the key's own line", () => {
    const text = lines('{', '  "port": 8080, // port comment', '  "bind": "localhost"', '}')
    expect(removeKey(text, 'port')).to.equal(lines('{', '  "bind": "localhost"', '}'))
  })

  it('keeps the other keys sharing its line, in place', () => {
    const text = lines('{', '  // c', '  "port": 8080, "bind": "localhost",', '  "image_source": "build"', '}')
    expect(removeKey(text, 'port')).to.equal(
      lines('{', '  // c', '  "bind": "localhost",', '  "image_source": "build"', '}'),
    )
    expect(removeKey(text, 'bind')).to.equal(lines('{', '  // c', '  "port": 8080,', '  "image_source": "build"', '}'))
  })

  it('works on one-line objects', () => {
    expect(removeKey('{"port": 8080, "bind": "localhost"}', 'port')).to.equal('{"bind": "localhost"}')
    expect(removeKey('{"port": 8080, "bind": "localhost"}', 'bind')).to.equal('{"port": 8080}')
    expect(removeKey('{"port": 8080}', 'port')).to.equal('{}')
  })

  it('removes a value over several lines, and keeps CRLF line ends', () => {
    const text = '{\r\n  "mounts": [\r\n    "/a:/a"\r\n  ],\r\n  "port": 1\r\n}\r\n'
    expect(removeKey(text, 'mounts')).to.equal('{\r\n  "port": 1\r\n}\r\n')
  })

  it('keeps a trailing comma that was there, and removes every copy of a duplicated key', () => {
    expect(removeKey(lines('{', '  "a": 1,', '  "port": 2,', '}'), 'port')).to.equal(lines('{', '  "a": 1,', '}'))
    expect(removeKey('{"port": 1, "a": 2, "port": 3}', 'port')).to.equal('{"a": 2}')
  })

  it('returns text without the key, or that is no object, as it was', () => {
    expect(removeKey('{"a": 1}', 'port')).to.equal('{"a": 1}')
    expect(removeKey('[1, 2]', 'port')).to.equal('[1, 2]')
    expect(removeKey('{"nested": {"port": 1}}', 'port')).to.equal('{"nested": {"port": 1}}')
  })
})
