import {expect} from 'chai'

import {powerShellCompletion, powerShellInstructions} from '../../../src/lib/completion/powershell.js'

const commands = [
  {flags: [{multiple: false, name: 'tag', summary: 'Tag to pull.'}, {multiple: true, name: 'build-arg', summary: ''}], id: 'image:pull', summary: "Pull the image; it's fast."},
  {flags: [], id: 'config:get', summary: 'Print a value.\nSecond line.'},
]

describe('PowerShell completion', () => {
  const script = powerShellCompletion(['occ', 'opencode-cloud'], commands)

  it('registers a native completer for every name of the CLI', () => {
    expect(script).to.match(/^using namespace System\.Management\.Automation$/m)
    expect(script).to.include("Register-ArgumentCompleter -Native -CommandName @('occ', 'opencode-cloud') -ScriptBlock {")
  })

  it('lists every command id whole (":" is no word break in PowerShell), sorted, with the first line of its summary', () => {
    expect(script.indexOf("'config:get' = @{")).to.be.greaterThan(-1).and.below(script.indexOf("'image:pull' = @{"))
    expect(script).to.include("summary = 'Print a value.'")
    expect(script).not.to.include('Second line')
  })

  it("quotes text for single-quoted PowerShell strings and marks repeatable flags", () => {
    expect(script).to.include("summary = 'Pull the image; it''s fast.'")
    expect(script).to.include("'tag' = @{ summary = 'Tag to pull.'; multiple = $false }")
    expect(script).to.include("'build-arg' = @{ summary = '--build-arg'; multiple = $true }")
  })

  it('tells how to load it from the profile', () => {
    const text = powerShellInstructions('occ', 'occ autocomplete:script powershell')
    expect(text).to.include('Setup Instructions for OCC CLI Autocomplete')
    expect(text).to.include('Add-Content -Path $PROFILE -Value (Invoke-Expression -Command "occ autocomplete:script powershell"); . $PROFILE')
  })
})
