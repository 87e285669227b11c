import {describe, expect, it} from 'vitest'
import {parseDuration, renderTranscript} from './script.js'

const config = 'config vrid=51 prio=100 advert=1s addr=198.18.0.1 vip=198.18.0.100'

describe('transcript interpreter', () => {
  it('passes a correct transcript and re-renders it identically', () => {
    const source = `${config}\nstart\nexpect state=BACKUP arm master_down at=3609ms; notify BACKUP\n`
    const {expected, actual} = renderTranscript(source)
    expect(actual).toBe(expected)
  })

  it('shows a wrong expectation as a one-line difference', () => {
    const source = `${config}\nstart\nexpect state=BACKUP arm master_down at=3000ms; notify BACKUP\n`
    const {expected, actual} = renderTranscript(source)
    expect(expected.split('\n')[2]).toBe('expect state=BACKUP arm master_down at=3000ms; notify BACKUP')
    expect(actual.split('\n')[2]).toBe('expect state=BACKUP arm master_down at=3609ms; notify BACKUP')
  })

  it('joins indented continuation lines and ignores spacing', () => {
    const source = `${config}\nstart\nexpect state=BACKUP   arm master_down at=3609ms\n    notify BACKUP\n`
    const {expected, actual} = renderTranscript(source)
    expect(actual).toBe(expected)
  })

  it('flags actions nobody expected at the end', () => {
    const {expected, actual} = renderTranscript(`${config}\nstart\n`)
    expect(actual).not.toBe(expected)
    expect(actual).toContain('# not expected: state=BACKUP arm master_down at=3609ms; notify BACKUP')
  })

  it('reports script errors with the line number', () => {
    expect(() => renderTranscript(`${config}\nfrobnicate\n`)).toThrow(/line 2: unknown command frobnicate/)
    expect(() => renderTranscript('config vrid=51\n')).toThrow(/line 1: config needs addr=/)
    expect(() => renderTranscript(`${config} colour=red\n`)).toThrow(/unknown config key colour/)
    expect(() => renderTranscript(`${config}\ntick soon\n`)).toThrow(/bad duration soon/)
  })

  it('parses durations', () => {
    expect(parseDuration('3609ms')).toBe(3609)
    expect(parseDuration('1.5s')).toBe(1500)
    expect(() => parseDuration('3')).toThrow()
  })
})
