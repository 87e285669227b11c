/** Cookie persistence as tables: which server a request's Cookie lines name, and what the response carries. */
import {describe, expect, it} from 'vitest'
import {HeaderList} from '../../../src/engine/proxy/http1/index.js'
import {applyResponseCookie, type CookiePlan, matchRequestCookie, planCookie} from '../../../src/engine/proxy/persist/index.js'

const plan = (options: string): CookiePlan => {
  const opts = options.split(' ').filter((w) => w !== '')
  const mode = opts.includes('insert') ? 'insert' : opts.includes('prefix') ? 'prefix' : opts.includes('rewrite') ? 'rewrite' : 'passive'
  const problems: string[] = []
  const out = planCookie({file: 't', line: 1, column: 1, name: 'SRV', options: opts, mode}, problems, 't:1')
  if (!out || problems.length > 0) throw new Error(problems.join('; '))
  return out
}
const servers = [
  {name: 'a', cookie: 'a', persistable: true},
  {name: 'b', cookie: 'b', persistable: true},
  {name: 'down', cookie: 'd', persistable: false},
  {name: 'none', cookie: undefined, persistable: true},
]

describe('request side', () => {
  it.each<[string, string[], string | undefined, (string | undefined)[] | undefined]>([
    ['insert indirect', ['x=1; SRV=b; y=2'], 'b', ['x=1; y=2']],
    ['insert indirect', ['SRV=a'], 'a', [undefined]],
    ['insert indirect', ['x=1', 'SRV=a; z=3'], 'a', ['x=1', 'z=3']],
    ['insert indirect', ['SRV=nosuch'], undefined, [undefined]],
    ['insert indirect', ['SRV=d'], undefined, [undefined]],
    ['insert', ['x=1; SRV=b'], 'b', undefined],
    ['insert indirect', ['x=1'], undefined, undefined],
    ['prefix', ['SRV=a~app; x=1'], 'a', ['SRV=app; x=1']],
    ['prefix', ['SRV=app'], undefined, undefined],
    ['rewrite', ['SRV=b'], 'b', undefined],
    ['', ['SRV=a'], 'a', undefined],
    // Only the first occurrence counts.
    ['insert', ['SRV=a; SRV=b'], 'a', undefined],
  ])('cookie %s, Cookie %j → server %s, lines %j', (options, lines, server, rewritten) => {
    const match = matchRequestCookie(plan(options), lines, servers)
    expect(match.server?.name).toBe(server)
    expect(match.rewritten).toEqual(rewritten)
  })
})

describe('response side', () => {
  it.each<[string, [string, string][], string | undefined, boolean, string, [string, string][]]>([
    ['insert indirect nocache', [['content-type', 'text/plain']], 'a', false, 'GET', [['content-type', 'text/plain'], ['Set-Cookie', 'SRV=a; path=/']]],
    ['insert indirect', [], 'a', true, 'GET', []],
    ['insert httponly secure domain .x.com domain .y.com', [], 'b', false, 'GET', [['Set-Cookie', 'SRV=b; path=/; domain=.x.com; domain=.y.com; HttpOnly; Secure']]],
    ['insert', [], undefined, false, 'GET', [['Set-Cookie', 'SRV=; Expires=Thu, 01-Jan-1970 00:00:01 GMT; path=/']]],
    ['insert postonly', [], 'a', false, 'GET', []],
    ['insert postonly', [], 'a', false, 'POST', [['Set-Cookie', 'SRV=a; path=/']]],
    ['insert', [['set-cookie', 'SRV=mine'], ['set-cookie', 'app=1']], 'a', true, 'GET', [['set-cookie', 'app=1']]],
    ['insert preserve', [['set-cookie', 'SRV=mine']], 'a', true, 'GET', [['set-cookie', 'SRV=mine']]],
    ['rewrite', [['set-cookie', 'x=1'], ['set-cookie', 'SRV=orig; Max-Age=60']], 'b', false, 'GET', [['set-cookie', 'x=1'], ['set-cookie', 'SRV=b; Max-Age=60']]],
    ['prefix', [['set-cookie', 'SRV=abc; path=/']], 'a', false, 'GET', [['set-cookie', 'SRV=a~abc; path=/']]],
  ])('cookie %s on %j (server cookie %s, direct %s, %s)', (options, headers, serverCookie, direct, method, expected) => {
    const list = HeaderList.from(headers)
    applyResponseCookie(plan(options), list, serverCookie, direct, method)
    expect(list.toArray()).toEqual(expected)
  })

  it('says what it does not run', () => {
    const problems: string[] = []
    planCookie({file: 't', line: 3, column: 1, name: 'SRV', options: ['insert', 'dynamic'], mode: 'insert'}, problems, 't:3: backend b')
    expect(problems).toEqual(['t:3: backend b: cookie SRV dynamic is not supported by the bundled engine yet'])
  })
})
