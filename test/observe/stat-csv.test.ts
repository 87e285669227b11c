import {describe, expect, it} from 'vitest'
import {formatCheck, parseShowStat, parseStatus, splitCsvLine, StatCsvError} from '../../src/observe/stat-csv.js'
import {parseServersState, parseShowInfo} from '../../src/observe/show-info.js'
import {fixture} from './fixtures.js'

const server = (file: string, name: string) => {
  const row = parseShowStat(fixture(file)).find((r) => r.proxy === 'app' && r.name === name)
  if (!row) throw new Error(`no app/${name} in ${file}`)
  return row
}

describe('parseStatus', () => {
  it.each([
    ['UP', {state: 'UP'}],
    ['DOWN', {state: 'DOWN'}],
    ['UP 1/3', {state: 'UP', transition: {toward: 'DOWN', step: 1, of: 3}}],
    ['DOWN 1/2', {state: 'DOWN', transition: {toward: 'UP', step: 1, of: 2}}],
    ['NOLB', {state: 'NOLB'}],
    ['NOLB 1/3', {state: 'NOLB', transition: {toward: 'DOWN', step: 1, of: 3}}],
    ['MAINT', {state: 'MAINT'}],
    ['MAINT (via app/web1)', {state: 'MAINT', detail: 'via app/web1'}],
    ['MAINT (resolution)', {state: 'MAINT', detail: 'resolution'}],
    ['DRAIN', {state: 'DRAIN'}],
    ['DRAIN (agent)', {state: 'DRAIN', detail: 'agent'}],
    ['no check', {state: 'no check'}],
    ['OPEN', {state: 'OPEN'}],
    ['FULL', {state: 'FULL'}],
    ['weird', {state: 'unknown'}],
  ])('%s', (raw, expected) => {
    expect(parseStatus(raw)).toEqual({raw, ...expected})
  })
})

describe('formatCheck (as the stats page shows the last check)', () => {
  it.each([
    [{status: 'L7OK', code: 200, durationMs: 1, inProgress: false}, 'L7OK/200 in 1ms'],
    [{status: 'L4CON', durationMs: 0, inProgress: false}, 'L4CON in 0ms'],
    [{status: 'L7STS', code: 404, durationMs: 2, inProgress: true}, '* L7STS/404 in 2ms'],
    [undefined, ''],
  ])('%j → %s', (check, text) => {
    expect(formatCheck(check)).toBe(text)
  })
})

describe('parseShowStat on real HAProxy 2.6 output', () => {
  it('reads every row type with typed numbers', () => {
    const rows = parseShowStat(fixture('stat-up.csv'))
    expect(rows.map((r) => [r.proxy, r.name, r.type, r.status.raw])).toEqual([
      ['fe_main', 'FRONTEND', 'frontend', 'OPEN'],
      ['app', 'web1', 'server', 'UP'],
      ['app', 'web2', 'server', 'UP'],
      ['app', 'BACKEND', 'backend', 'UP'],
    ])
    const fe = rows[0]!
    expect(fe).toMatchObject({scur: 0, slim: 9984, rate: 0, reqRate: 0, bin: 0, bout: 0, mode: 'http'})
    expect(fe.weight).toBeUndefined()
    const web1 = rows[1]!
    expect(web1).toMatchObject({weight: 1, act: 1, bck: 0, qcur: 0, scur: 0, chkfail: 0, chkdown: 0, checkText: 'L7OK/200 in 0ms'})
    expect(web1.check).toMatchObject({status: 'L7OK', code: 200, durationMs: 0, description: 'Layer7 check passed'})
    expect(web1.addr).toMatch(/^127\.0\.0\.1:\d+$/)
    expect(typeof web1.lastchg).toBe('number')
    expect(rows[3]).toMatchObject({act: 2, bck: 0, weight: 2})
  })

  it('reads the transitional statuses sampled while a backend stopped and came back', () => {
    expect(server('stat-going-down.csv', 'web1').status).toEqual({raw: 'UP 1/2', state: 'UP', transition: {toward: 'DOWN', step: 1, of: 2}})
    expect(server('stat-going-down.csv', 'web1').checkText).toBe('L4CON in 0ms')
    expect(server('stat-going-up.csv', 'web1').status).toEqual({raw: 'DOWN 1/2', state: 'DOWN', transition: {toward: 'UP', step: 1, of: 2}})
    expect(server('stat-down.csv', 'web1').status.state).toBe('DOWN')
    expect(server('stat-down.csv', 'web1').chkdown).toBe(1)
  })

  it('reads L7STS/404, MAINT without a check, DRAIN, NOLB, no check and MAINT via a tracked server', () => {
    expect(server('stat-404.csv', 'web2').checkText).toBe('L7STS/404 in 0ms')
    expect(server('stat-maint-drain.csv', 'web1')).toMatchObject({status: {state: 'MAINT'}, checkText: ''})
    expect(server('stat-maint-drain.csv', 'web2').status.state).toBe('DRAIN')
    expect(server('stat-nolb.csv', 'web2')).toMatchObject({status: {state: 'NOLB'}, checkText: 'L7OKC/404 in 1ms'})
    expect(server('stat-nolb.csv', 'web3')).toMatchObject({status: {state: 'no check'}, weight: 5, checkText: ''})
    expect(server('stat-nolb.csv', 'web1b').status).toEqual({raw: 'MAINT (via app/web1)', state: 'MAINT', detail: 'via app/web1'})
    expect(parseShowStat(fixture('stat-maint-drain.csv')).find((r) => r.name === 'BACKEND')?.status.state).toBe('DOWN')
  })

  it('looks columns up by name, not position', () => {
    const text = '# svname,status,pxname,type,scur,check_status,check_code,check_duration\nweb1,UP 2/3,app,2,7,L7OK,200,3\n'
    expect(parseShowStat(text)).toEqual([
      expect.objectContaining({proxy: 'app', name: 'web1', type: 'server', scur: 7, status: expect.objectContaining({state: 'UP'}), checkText: 'L7OK/200 in 3ms'}),
    ])
  })

  it('reads listener rows and quoted fields', () => {
    const text = '# pxname,svname,status,type,check_desc\nfe,sock-1,OPEN,3,\napp,web1,DOWN,2,"refused, twice ""really"""\n'
    const rows = parseShowStat(text)
    expect(rows[0]?.type).toBe('listener')
    expect(rows[1]?.columns.check_desc).toBe('refused, twice "really"')
    expect(splitCsvLine('a,"b,c",d')).toEqual(['a', 'b,c', 'd'])
  })

  it('rejects an answer without the header', () => {
    expect(() => parseShowStat('Unknown command\n')).toThrow(StatCsvError)
  })
})

describe('show info and show servers state', () => {
  it('reads show info by field name', () => {
    const info = parseShowInfo(fixture('info.txt'))
    expect(info).toMatchObject({name: 'HAProxy', version: '2.6.12-1+deb12u4', uptimeSec: 1, maxconn: 9984, currConns: 0})
    expect(typeof info.pid).toBe('number')
    expect(info.fields.Nbthread).toBe('2')
  })

  it('reads show servers state', () => {
    const rows = parseServersState(fixture('servers-state.txt'))
    expect(rows.map((r) => [r.backend, r.server, r.opState, r.adminState, r.userWeight])).toEqual([
      ['app', 'web1', 2, 0, 1],
      ['app', 'web2', 2, 0, 1],
    ])
    expect(rows[0]?.port).toBeGreaterThan(0)
  })
})
