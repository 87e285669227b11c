/** The rise/fall counter as a table, and the checker driven by a fake clock. */
import {describe, expect, it} from 'vitest'
import {HealthChecker} from '../../../src/engine/proxy/health/checker.js'
import type {CheckResult} from '../../../src/engine/proxy/health/probe.js'
import {judgeHttp} from '../../../src/engine/proxy/health/probe.js'
import {applyCheck, healthText, initialHealth, nextInterval} from '../../../src/engine/proxy/health/state.js'

describe('rise 2 fall 3 (HAProxy defaults)', () => {
  // '+' a passed check, '-' a failed one; the status after each, as show stat prints it.
  it.each([
    ['', ['UP 1/3']],
    ['+', ['UP']],
    ['-', ['DOWN']],
    ['+--', ['UP', 'UP 2/3', 'UP 1/3']],
    ['+---', ['UP', 'UP 2/3', 'UP 1/3', 'DOWN']],
    ['-+', ['DOWN', 'DOWN 1/2']],
    ['-++', ['DOWN', 'DOWN 1/2', 'UP']],
    ['-+-+', ['DOWN', 'DOWN 1/2', 'DOWN', 'DOWN 1/2']],
    ['+-+', ['UP', 'UP 2/3', 'UP']],
  ])('%s', (results, statuses) => {
    let state = initialHealth(2, 3)
    const seen: string[] = []
    if (results === '') seen.push(healthText(state))
    for (const r of results) {
      state = applyCheck(state, r === '+').state
      seen.push(healthText(state))
    }
    expect(seen).toEqual(statuses)
  })

  it('inter when fully up, fastinter in transition, downinter when down', () => {
    const timing = {inter: 2000, fastinter: 500, downinter: 5000}
    expect(nextInterval({health: 4, rise: 2, fall: 3}, timing)).toBe(2000)
    expect(nextInterval({health: 3, rise: 2, fall: 3}, timing)).toBe(500)
    expect(nextInterval({health: 1, rise: 2, fall: 3}, timing)).toBe(500)
    expect(nextInterval({health: 0, rise: 2, fall: 3}, timing)).toBe(5000)
  })
})

describe('http-check expect', () => {
  const http = {method: 'GET', uri: '/', version: 'HTTP/1.0', extraHeaders: ''}
  it.each([
    ['HTTP/1.1 200 OK\r\n\r\n', undefined, 'L7OK', 200],
    ['HTTP/1.1 302 Found\r\n\r\n', undefined, 'L7OK', 302],
    ['HTTP/1.1 404 Not Found\r\n\r\n', undefined, 'L7STS', 404],
    ['HTTP/1.1 404 Not Found\r\n\r\n', {negate: true, kind: 'status' as const, pattern: '200'}, 'L7OK', 404],
    ['HTTP/1.1 503 Unavailable\r\n\r\n', {negate: false, kind: 'rstatus' as const, pattern: '^5'}, 'L7OK', 503],
    ['HTTP/1.1 200 OK\r\n\r\nhello ok\n', {negate: false, kind: 'string' as const, pattern: 'nope'}, 'L7RSP', undefined],
    ['HTTP/1.1 200 OK\r\n\r\nhello ok\n', {negate: false, kind: 'string' as const, pattern: 'hello'}, 'L7OK', 200],
    ['garbage', undefined, 'L7RSP', undefined],
  ])('%j expect %j → %s', (answer, expect_, status, code) => {
    const result = judgeHttp(answer, true, {...http, ...(expect_ ? {expect: expect_} : {})})
    expect(result.status).toBe(status)
    expect(result.code).toBe(code)
  })
  it('reports the reason phrase of a wrong status (last_chk)', () => {
    expect(judgeHttp('HTTP/1.1 404 Not Found\r\n\r\n', true, http).description).toBe('Not Found')
  })
})

describe('HealthChecker on a fake clock', () => {
  it('goes DOWN after fall failures at inter, then UP after rise successes at downinter', async () => {
    let now = 0
    const timers: {at: number; run: () => void}[] = []
    const clock = {
      now: () => now,
      setTimeout: (run: () => void, ms: number) => {
        const t = {at: now + ms, run}
        timers.push(t)
        return t
      },
      clearTimeout: (t: unknown) => {
        const i = timers.indexOf(t as (typeof timers)[number])
        if (i >= 0) timers.splice(i, 1)
      },
    }
    const results = ['+', '-', '-', '-', '+', '+']
    const log: string[] = []
    const checker = new HealthChecker(
      initialHealth(2, 3),
      {inter: 1000, downinter: 3000},
      async (): Promise<CheckResult> => {
        const passed = results.shift() === '+'
        return passed ? {status: 'L4OK', passed, durationMs: 0, description: ''} : {status: 'L4CON', passed, durationMs: 0, description: 'Connection refused'}
      },
      {onResult: (_r, state, transition) => log.push(`${now} ${healthText(state)}${transition ? ` ${transition}` : ''}`)},
      clock,
    )
    checker.start(0)
    for (let i = 0; i < 6; i++) {
      timers.sort((a, b) => a.at - b.at)
      const next = timers.shift()!
      now = next.at
      next.run()
      await new Promise((resolve) => setImmediate(resolve))
    }
    checker.stop()
    expect(log).toEqual(['0 UP', '1000 UP 2/3', '2000 UP 1/3', '3000 DOWN down', '6000 DOWN 1/2', '7000 UP up'])
  })
})
