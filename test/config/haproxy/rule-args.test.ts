/** Rule actions take so many words before `if`/`unless`, no more: lbctl refuses the next word like haproxy -c does. */
import {describe, expect, it} from 'vitest'
import {lookupKeyword} from '../../../src/config/haproxy/keywords/index.js'
import {RULE_ACTIONS} from '../../../src/config/haproxy/keywords/rules.js'
import {requireBinary} from '../../helpers/oracles.js'
import {errors, haproxyAccepts, parseText, pool, wrapExample} from './helpers.js'

/** Each action written with all the words it takes. */
const FULL: Record<string, string> = {
  accept: 'accept', allow: 'allow', close: 'close', reject: 'reject', 'silent-drop': 'silent-drop', 'disable-l7-retry': 'disable-l7-retry',
  'wait-for-handshake': 'wait-for-handshake', 'unset-var*': 'unset-var(txn.x)', 'set-var*': 'set-var(txn.x) int(1)', 'set-src': 'set-src src',
  'set-dst': 'set-dst dst', 'set-src-port': 'set-src-port src_port', 'set-dst-port': 'set-dst-port dst_port', 'set-log-level': 'set-log-level info',
  'set-mark': 'set-mark 0', 'set-nice': 'set-nice 0', 'set-tos': 'set-tos 0', 'set-priority-class': 'set-priority-class int(1)',
  'set-priority-offset': 'set-priority-offset int(1)', 'strict-mode': 'strict-mode on', 'del-header': 'del-header X -m str',
  'set-status': 'set-status 503 reason Down', 'set-path': 'set-path /x', 'set-pathq': 'set-pathq /x', 'set-uri': 'set-uri /x',
  'set-method': 'set-method GET', 'set-query': 'set-query a=b', 'replace-path': 'replace-path /a /b', 'replace-pathq': 'replace-pathq /a /b',
  'replace-uri': 'replace-uri /a /b',
}
const cases = Object.entries(RULE_ACTIONS).flatMap(([set, actions]) => actions.filter((a) => FULL[a] !== undefined).map((a) => ({set, line: `${set} ${FULL[a]}`})))
const text = (line: string) => wrapExample(lookupKeyword('listen', line.split(' ')[0]!)!, line)

describe('rule actions: a word past their arguments', () => {
  it.each(cases.map((c) => c.line))('`%s` is complete, one word more is an error', (line) => {
    expect(errors(parseText(text(line)).diagnostics)).toEqual([])
    expect(errors(parseText(text(`${line} bogus`)).diagnostics).length).toBeGreaterThan(0)
    expect(errors(parseText(text(`${line} if TRUE`)).diagnostics)).toEqual([])
  })

  it.skipIf(!requireBinary('haproxy'))('haproxy -c takes each complete line and refuses one word more', async () => {
    const wrong = await pool(cases, 8, async ({line}) => {
      if (!(await haproxyAccepts(text(line))).accepted) return `${line}: refused`
      return (await haproxyAccepts(text(`${line} bogus`))).accepted ? `${line} bogus: taken` : undefined
    })
    expect(wrong.filter(Boolean)).toEqual([])
  })
})
