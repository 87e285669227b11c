import {Chalk} from 'chalk'
import {describe, expect, it} from 'vitest'
import {palette} from '../../src/config/ansi.js'

describe('palette: the diagnostic colours without loading chalk', () => {
  const chalk = new Chalk({level: 1})
  it('writes the same escape codes chalk writes at level 1', () => {
    const c = palette(true)
    expect([c.bold('a'), c.dim('b'), c.green('c'), c.redBold('d'), c.yellowBold('e'), c.cyanBold('f')]).toEqual([
      chalk.bold('a'),
      chalk.dim('b'),
      chalk.green('c'),
      chalk.red.bold('d'),
      chalk.yellow.bold('e'),
      chalk.cyan.bold('f'),
    ])
  })
  it('writes plain text without colour', () => {
    const c = palette(false)
    expect([c.bold('a'), c.redBold('d')]).toEqual(['a', 'd'])
  })
})
