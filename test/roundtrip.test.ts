// Parsing then printing gives back every seed and corpus file byte for byte.
import {readFileSync} from 'node:fs'
import {describe, expect, it} from 'vitest'
import {parseHaproxyFiles, printHaproxyFile} from '../src/config/haproxy/index.js'
import {parseKeepalived, printKeepalivedFile} from '../src/config/keepalived/index.js'
import {decodeText} from '../src/config/source.js'
import {listCorpus} from './corpus/corpus.js'

describe('parse → print is byte-identical', () => {
  for (const entry of listCorpus()) {
    it(entry.path, () => {
      const source = {path: entry.path, text: decodeText(entry.path, readFileSync(entry.path))}
      if (entry.tool === 'haproxy') {
        const parse = parseHaproxyFiles([source])
        expect(parse.files).toHaveLength(1)
        expect(printHaproxyFile(parse.files[0]!)).toBe(source.text)
      } else {
        // Included files are printed back too (the main file first).
        const parse = parseKeepalived(source)
        expect(parse.files.length).toBeGreaterThanOrEqual(1)
        for (const file of parse.files) {
          const original = decodeText(file.source.path, readFileSync(file.source.path))
          expect(printKeepalivedFile(file), file.source.path).toBe(original)
        }
      }
    })
  }
})
