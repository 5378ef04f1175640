import {expect} from 'chai'
import {Readable} from 'node:stream'

import {type BuildEvent, BuildEventDecoder, readBuildEvents} from '../../../src/lib/image/build-events.js'

async function collect(chunks: string[]): Promise<BuildEvent[]> {
  const events: BuildEvent[] = []
  for await (const event of readBuildEvents(Readable.from(chunks.map((chunk) => Buffer.from(chunk)))))
    events.push(event)
  return events
}

describe('build events', () => {
  it("reads the classic builder's stream: steps, output, the image id; drops its bookkeeping", async () => {
    const lines = [
      {stream: 'Step 1/3 : FROM scratch'},
      {stream: '\n'},
      {stream: ' ---> \n'},
      {stream: 'Step 2/3 : COPY a /a'},
      {stream: '\n ---> Running in 3893f3fabe79\nhello\r\nRemoving intermediate container 3893f3fabe79\n'},
      {aux: {ID: 'sha256:abc'}},
      {stream: 'Successfully built abcabcabcabc\n'},
    ]
    const text = lines.map((line) => JSON.stringify(line)).join('\n')
    expect(await collect([text.slice(0, 10), text.slice(10)])).to.deep.equal([
      {instruction: 'FROM scratch', number: 1, total: 3, type: 'step'},
      {instruction: 'COPY a /a', number: 2, total: 3, type: 'step'},
      {line: 'hello', type: 'output'},
      {id: 'sha256:abc', type: 'image'},
      {id: 'abcabcabcabc', type: 'image'},
    ])
  })

  it('makes error and errorDetail events errors, after any pending output', () => {
    const decoder = new BuildEventDecoder()
    expect(decoder.push({stream: 'partial line'})).to.deep.equal([])
    expect(decoder.push({error: 'short', errorDetail: {message: 'COPY failed: no such file'}})).to.deep.equal([
      {line: 'partial line', type: 'output'},
      {message: 'COPY failed: no such file', type: 'error'},
    ])
  })

  it('keeps the status words of a base-image pull but not its byte counts', () => {
    const decoder = new BuildEventDecoder()
    expect(decoder.push({id: 'l1', progressDetail: {current: 10, total: 100}, status: 'Downloading'})).to.deep.equal([])
    expect(decoder.push({id: 'l1', progressDetail: {}, status: 'Pull complete'})).to.deep.equal([
      {line: 'l1: Pull complete', type: 'output'},
    ])
  })

  it('reports an unreadable line as an error and flushes a last line without newline', async () => {
    expect(await collect(['{"stream":"tail"}\n{oops\n'])).to.deep.equal([
      {message: 'the engine sent an unreadable build line: {oops', type: 'error'},
      {line: 'tail', type: 'output'},
    ])
  })

  it('removes escape sequences a build step prints (colours, cursor moves) from its output lines', async () => {
    const events = await collect(
      [
        {stream: '\u001b[91mE: Unable to locate package foo\u001b[0m\n'},
        {status: 'Pulling \u001b]0;title\u0007base'},
      ].map((line) => `${JSON.stringify(line)}\n`),
    )
    expect(events).to.deep.equal([
      {line: 'E: Unable to locate package foo', type: 'output'},
      {line: 'Pulling base', type: 'output'},
    ])
  })
})
