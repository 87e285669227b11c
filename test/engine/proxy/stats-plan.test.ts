/** The stats settings the planner accepts and refuses, Basic auth, and which requests are for the stats URI. */
import {describe, expect, it} from 'vitest'
import {parseHaproxyFiles} from '../../../src/config/haproxy/index.js'
import {planEngine} from '../../../src/engine/proxy/plan.js'
import {BasicAuth, humanDuration, matchStatsRequest} from '../../../src/engine/proxy/stats/index.js'

function plan(body: string) {
  const parse = parseHaproxyFiles([{path: 't.cfg', text: `defaults\n  mode http\n  timeout connect 1s\n  timeout client 3s\n  timeout server 5s\n${body}`}])
  return planEngine(parse.model)
}

describe('stats in the plan', () => {
  it('a listen with the seeds\' stats lines gets a stats plan', () => {
    const result = plan('listen stats\n  bind *:1080\n  stats refresh 30s\n  stats uri /stats\n  stats realm HAProxy\\ Stats\n  stats auth admin:admin\n  stats hide-version')
    expect(result.ok).toBe(true)
    if (!result.ok) return
    expect(result.plan.frontends[0]?.stats).toEqual({uri: '/stats', realm: 'HAProxy Stats', auth: [{user: 'admin', password: 'admin'}], refreshSeconds: 30, hideVersion: true, scope: []})
  })

  it('stats enable alone uses HAProxy\'s defaults', () => {
    const result = plan('frontend fe\n  bind :8080\n  stats enable\n  default_backend be\nbackend be\n  server a 127.0.0.1:80')
    expect(result.ok && result.plan.frontends[0]?.stats).toEqual({uri: '/haproxy?stats', realm: 'HAProxy Statistics', auth: [], hideVersion: false, scope: []})
  })

  it('plans stats admin with its condition, and refuses a condition it cannot compile', () => {
    const result = plan('listen stats\n  bind :1080\n  stats enable\n  acl local src 127.0.0.1\n  stats admin if local')
    const admin = result.ok ? result.plan.frontends[0]?.stats?.admin : undefined
    expect(admin?.matches({method: 'GET', target: '/', version: 'HTTP/1.1', headers: {length: 0, name: () => '', value: () => ''}, src: '127.0.0.1', dstPort: 1080, nbsrv: () => 0})).toBe(true)
    expect(admin?.matches({method: 'GET', target: '/', version: 'HTTP/1.1', headers: {length: 0, name: () => '', value: () => ''}, src: '198.18.0.9', dstPort: 1080, nbsrv: () => 0})).toBe(false)
    const refused = plan('listen stats\n  bind :1080\n  stats enable\n  stats admin if nosuch')
    expect(!refused.ok && refused.problems.join('\n')).toMatch(/t\.cfg:\d+: listen stats: stats admin: /)
  })

  it('refuses a stats page in a backend section', () => {
    const result = plan('frontend fe\n  bind :8080\n  default_backend be\nbackend be\n  stats enable\n  server a 127.0.0.1:80')
    expect(!result.ok && result.problems.join('\n')).toMatch(/backend be: a stats page in a backend section is not supported/)
  })
})

describe('BasicAuth', () => {
  const auth = new BasicAuth([{user: 'admin', password: 'admin'}, {user: 'bob', password: 'a:b c'}])
  const basic = (text: string) => `Basic ${Buffer.from(text).toString('base64')}`
  it('accepts each configured pair, the scheme in any case', () => {
    expect(auth.accepts(basic('admin:admin'))).toBe(true)
    expect(auth.accepts(basic('bob:a:b c'))).toBe(true)
    expect(auth.accepts(`basic ${Buffer.from('admin:admin').toString('base64')}`)).toBe(true)
  })
  it('refuses missing, malformed and wrong credentials', () => {
    for (const header of [undefined, '', 'Bearer x', basic('admin:Admin'), basic('admin'), basic('bob:a:b'), 'Basic !!!']) expect(auth.accepts(header)).toBe(false)
  })
  it('is not required without stats auth', () => {
    expect(new BasicAuth([]).required).toBe(false)
  })
})

describe('matchStatsRequest', () => {
  it('matches GET, HEAD, POST whose target starts with the URI, options anywhere after it', () => {
    expect(matchStatsRequest('GET', '/haproxy?stats', '/haproxy?stats')).toEqual({format: 'html', noRefresh: false})
    expect(matchStatsRequest('GET', '/haproxy?statsfoo;csv', '/haproxy?stats')).toEqual({format: 'csv', noRefresh: false})
    expect(matchStatsRequest('HEAD', '/stats;norefresh;csv', '/stats')).toEqual({format: 'csv', noRefresh: true})
    expect(matchStatsRequest('PUT', '/stats', '/stats')).toBeUndefined()
    expect(matchStatsRequest('GET', '/x/stats', '/stats')).toBeUndefined()
  })
  it('formats durations like the page', () => {
    expect([0, 42, 312, 3 * 3600 + 240, 2 * 86400 + 5 * 3600].map((s) => humanDuration(s))).toEqual(['0s', '42s', '5m12s', '3h4m', '2d5h'])
  })
})
