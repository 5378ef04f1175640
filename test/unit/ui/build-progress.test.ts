import {expect} from 'chai'
import {PassThrough} from 'node:stream'

import {createBuildProgress} from '../../../src/lib/ui/build-progress.js'
import {fitLine} from '../../../src/lib/ui/progress.js'

describe('build progress', () => {
  it('prints steps and output as plain lines without a terminal', async () => {
    const stream = new PassThrough()
    let text = ''
    stream.on('data', (chunk: Buffer) => (text += chunk.toString()))
    const progress = await createBuildProgress('plain', stream as unknown as NodeJS.WriteStream)
    progress.log('Building')
    progress.event({instruction: 'RUN make', number: 2, total: 5, type: 'step'})
    progress.event({line: 'cc -o app', type: 'output'})
    progress.event({id: 'sha256:x', type: 'image'})
    progress.stop()
    expect(text).to.equal('Building\nStep 2/5 : RUN make\n  cc -o app\n')
  })

  it('prints nothing when silent', async () => {
    const stream = new PassThrough()
    const progress = await createBuildProgress('silent', stream as unknown as NodeJS.WriteStream)
    progress.event({line: 'x', type: 'output'})
    expect(stream.read()).to.equal(null)
  })

  it("cuts lines to the terminal's width so the live region never wraps", () => {
    expect(fitLine('x'.repeat(100), 41)).to.equal(`${'x'.repeat(39)}…`)
    expect(fitLine('short', 41)).to.equal('short')
    expect(fitLine('y'.repeat(100), 0)).to.have.length(79)
  })
})
