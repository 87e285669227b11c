import {describe, expect, it} from 'vitest'
import {usageMessage} from '../src/base-command.js'

describe('usageMessage: oclif flag errors as one line', () => {
  it.each([
    ['Nonexistent flag: --nosuch\nSee more help with --help', 'Nonexistent flag: --nosuch'],
    ['Missing required flag fault\nSee more help with --help', 'Missing required flag fault'],
    [
      'The following errors occurred:\n  --lab=true cannot also be provided when using --local\n  --hosts=a requires --inventory\nSee more help with --help',
      '--lab=true cannot also be provided when using --local; --hosts=a requires --inventory',
    ],
  ])('%j', (message, expected) => {
    expect(usageMessage(message)).toBe(expected)
  })
})
