import {expect} from 'chai'

import {LogDemuxer, type LogStream} from '../../../src/lib/docker/log-stream.js'

function frame(stream: number, text: string): Buffer {
  const payload = Buffer.from(text)
  const header = Buffer.alloc(8)
  header[0] = stream
  header.writeUInt32BE(payload.length, 4)
  return Buffer.concat([header, payload])
}

describe('LogDemuxer: the engine multiplexed log stream', () => {
  it('splits frames across and within chunks, stderr apart from stdout', () => {
    const seen: [LogStream, string][] = []
    const demuxer = new LogDemuxer((stream, payload) => seen.push([stream, payload.toString()]))
    const bytes = Buffer.concat([frame(1, 'out one\n'), frame(2, 'err ü\n'), frame(1, 'out two\n')])
    for (let index = 0; index < bytes.length; index += 5) demuxer.push(bytes.subarray(index, index + 5))
    expect(seen).to.deep.equal([
      ['stdout', 'out one\n'],
      ['stderr', 'err ü\n'],
      ['stdout', 'out two\n'],
    ])
    expect(demuxer.leftover).to.equal(0)
  })

  it('keeps an incomplete last frame as leftover', () => {
    const demuxer = new LogDemuxer(() => {})
    demuxer.push(frame(1, 'hello').subarray(0, 10))
    expect(demuxer.leftover).to.equal(10)
  })
})
