/** Server option values haproxy 2.6 takes through atol (a missing value, `check port 0`): lbctl warns on every such line, no error. */
import {describe, expect, it} from 'vitest'
import {parseText} from './helpers.js'

const config = (lines: string[]) => `defaults\n  mode http\n  timeout connect 1s\n  timeout client 1s\n  timeout server 1s\nbackend b\n${lines.map((l) => `  ${l}\n`).join('')}`

describe('server options left without their value', () => {
  it.each(['weight', 'maxconn', 'maxqueue', 'minconn', 'init-addr', 'resolve-opts'])('`%s` last on the line: a warning on each line, no error', (option) => {
    const found = parseText(config([`server s1 127.0.0.1:80 check ${option}`, `server s2 127.0.0.1:81 check ${option}`])).diagnostics
    expect(found.filter((d) => d.severity === 'error')).toEqual([])
    expect(found.filter((d) => d.code === 'haproxy/suspicious-value').map((d) => d.line)).toEqual([7, 8])
  })

  it('`inter` without its delay is still an error, as haproxy -c says', () => {
    const found = parseText(config(['server s1 127.0.0.1:80 check inter'])).diagnostics
    expect(found.filter((d) => d.severity === 'error').map((d) => d.message)).toEqual(["'server b/s1' : 'inter' expects a delay as argument."])
  })

  it('`check port 0` warns on each line and the options after it are still checked', () => {
    const found = parseText(config(['server s1 127.0.0.1:80 check port 0 bogus', 'server s2 127.0.0.1:81 check port 0', 'server s3 127.0.0.1:82 check port 0'])).diagnostics
    expect(found.filter((d) => d.code === 'haproxy/suspicious-value').map((d) => d.line)).toEqual([7, 8, 9])
    expect(found.filter((d) => d.severity === 'error').map((d) => d.message)).toEqual(["'server b/s1' : unknown keyword 'bogus'."])
  })
})
