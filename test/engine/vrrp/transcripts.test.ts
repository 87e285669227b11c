import {readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {describe, expect, it} from 'vitest'
import {renderTranscript} from './script.js'

const directory = join(dirname(fileURLToPath(import.meta.url)), 'transcripts')
const files = readdirSync(directory).filter((name) => name.endsWith('.txt')).sort()

describe('VRRP golden transcripts', () => {
  it('has transcripts', () => {
    expect(files.length).toBeGreaterThan(10)
  })

  for (const file of files) {
    it(file, () => {
      const path = join(directory, file)
      const {expected, actual} = renderTranscript(readFileSync(path, 'utf8'))
      // LBCTL_UPDATE_GOLDEN=1 rewrites a transcript with what happened; review the diff before keeping it.
      if (process.env.LBCTL_UPDATE_GOLDEN === '1' && actual !== expected) writeFileSync(path, `${actual.trimEnd()}\n`)
      else expect(actual).toBe(expected)
    })
  }
})
