import {describe, expect, it} from 'vitest'
import {contexts} from '../../../src/config/keepalived/keywords/index.js'
import {parseText} from './helpers.js'

/** Keyword-level diagnostics only: what keepalived says while reading the line. */
const diagnose = (text: string) => parseText(text).diagnostics

/** Wraps a line so it sits in the given context; returns the config and the line number of the line. */
function place(context: string, line: string): {text: string; line: number} {
  const wraps: Record<string, [string, string]> = {
    top: ['', ''],
    global_defs: ['global_defs {\n', '}\n'],
    vrrp_script: ['vrrp_script chk {\n', '}\n'],
    vrrp_instance: ['vrrp_instance VI_1 {\n', '}\n'],
    authentication: ['vrrp_instance VI_1 {\nauthentication {\n', '}\n}\n'],
    vrrp_sync_group: ['vrrp_sync_group G {\n', '}\n'],
    virtual_server: ['virtual_server 10.0.0.1 80 {\n', '}\n'],
    real_server: ['virtual_server 10.0.0.1 80 {\nreal_server 10.0.0.2 80 {\n', '}\n}\n'],
    url: ['virtual_server 10.0.0.1 80 {\nreal_server 10.0.0.2 80 {\nHTTP_GET {\nurl {\n', '}\n}\n}\n}\n'],
    smtp_host: ['virtual_server 10.0.0.1 80 {\nreal_server 10.0.0.2 80 {\nSMTP_CHECK {\nhost {\n', '}\n}\n}\n}\n'],
    track_file: ['vrrp_track_file f {\n', '}\n'],
    track_process: ['vrrp_track_process p {\n', '}\n'],
    bfd_instance: ['bfd_instance b {\n', '}\n'],
    garp_group: ['garp_group {\n', '}\n'],
  }
  const checker: [string, string] | undefined = /^[A-Z_]+$/.test(context) ? [`virtual_server 10.0.0.1 80 {\nreal_server 10.0.0.2 80 {\n${context} {\n`, '}\n}\n}\n'] : undefined
  const [before, after]: [string, string] = wraps[context] ?? checker ?? ['', '']
  return {text: `${before}${line}\n${after}`, line: before.split('\n').length}
}

const table = [...contexts.values()].flatMap((context) =>
  context.keywords.flatMap((k) => [
    ...(k.ok ?? []).map((line) => ({context: context.name, line, expect: undefined as string | undefined})),
    ...(k.fail ?? []).map(([line, message]) => ({context: context.name, line, expect: message as string | undefined})),
  ]),
)

describe('keyword specs', () => {
  it('have examples', () => expect(table.length).toBeGreaterThan(60))

  it.each(table)('$context: $line', ({context, line, expect: message}) => {
    const placed = place(context, line)
    const onLine = diagnose(placed.text).filter((d) => d.line === placed.line && d.code !== 'keepalived/missing-open')
    if (message === undefined) expect(onLine).toEqual([])
    else expect(onLine.map((d) => d.message).join('\n')).toContain(message)
  })

  it.each([
    ['vrrp_instance', 'priorty 100', "did you mean 'priority'?"],
    ['vrrp_instance', 'virtual_routerid 51', "did you mean 'virtual_router_id'?"],
    ['global_defs', 'router-id a', "did you mean 'router_id'?"],
    ['TCP_CHECK', 'nb_get_retry 3', 'write `retry N`'],
    ['virtual_server', 'nat_mask 255.255.255.0', 'removed nat_mask'],
    ['vrrp_instance', 'lb_algo rr', 'belongs in a virtual_server block'],
  ])('%s: unknown %s suggests %s', (context, line, suggestion) => {
    const placed = place(context, line)
    const d = diagnose(placed.text).find((x) => x.code === 'keepalived/unknown-keyword')
    expect(d?.message).toBe(`Unknown keyword '${line.split(' ')[0]}'`)
    expect(d?.line).toBe(placed.line)
    expect(d?.suggestions.join(' ')).toContain(suggestion)
  })

  it('reports a missing parameter in keepalived words', () => {
    const placed = place('vrrp_instance', 'priority')
    expect(diagnose(placed.text)).toContainEqual(
      expect.objectContaining({code: 'keepalived/missing-parameter', message: '*** Configuration line starting `priority` is missing a parameter after keyword `priority` at word position 2'}),
    )
  })

  it('accepts keywords keepalived knows even without a detailed spec', () => {
    const placed = place('global_defs', 'vrrp_garp_interval 0.001')
    expect(diagnose(placed.text).filter((d) => d.code === 'keepalived/unknown-keyword')).toEqual([])
  })
})
