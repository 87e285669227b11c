import {known} from './known.js'
import {type Check, type ContextSpec, enumArg, isIp, isIpv4, numberArg, numberProblem, type Problem} from './spec.js'

const vipOptionsWithValue = new Set(['dev', 'brd', 'broadcast', 'label', 'scope', 'peer', 'preferred_lft', 'track_group', 'metric'])
const vipFlags = new Set(['home', 'nodad', '-nodad', 'noprefixroute', 'autojoin', 'no_track'])

/** `10.0.0.1/24 dev eth0 label eth0:1 ...`, worded like vrrp_ipaddress.c. */
export const checkVipLine: Check = (view) => {
  const problems: Problem[] = []
  const address = view.keyword
  const [ip, prefix] = address.split('/')
  if (!isIp(ip ?? '')) {
    return [{code: 'keepalived/invalid-address', message: `VRRP parsed invalid IP ${address}. skipping IP...`, suggestions: ['write an IPv4 or IPv6 address, e.g. 198.18.0.100/24']}]
  }
  if (prefix !== undefined) {
    const max = isIpv4(ip!) ? 32 : 128
    const problem = numberProblem(prefix, {min: 0, max, integer: true, unsigned: true})
    if (problem)
      problems.push({
        code: 'keepalived/invalid-address',
        message: `${problem}: Invalid address prefix len ${prefix} for address ${address} - using ${max}`,
        suggestions: [`write a prefix length between 0 and ${max}`],
      })
  }
  for (let i = 0; i < view.args.length; i++) {
    const word = view.args[i]!
    if (vipOptionsWithValue.has(word)) {
      i++
      continue
    }
    if (vipFlags.has(word)) continue
    problems.push({
      code: 'keepalived/invalid-address',
      message: `Unknown configuration entry '${word}' for ip address - ignoring`,
      arg: i,
      suggestions: ['options are dev, brd, label, scope, peer, home, nodad, noprefixroute, autojoin, no_track, preferred_lft'],
    })
  }
  return problems
}

const checkPeerLine: Check = (view) =>
  isIp(view.keyword)
    ? []
    : [
        {
          code: 'keepalived/invalid-address',
          message: `Configuration error: VRRP instance[${view.owner}] malformed unicast peer address[${view.keyword}]. Skipping...`,
          suggestions: ['write the peer node address, e.g. 198.18.0.12'],
        },
      ]

/** `name [weight N [reverse]]` in track_script / track_interface / track_file. */
function trackLine(kind: string, min: number, max: number): Check {
  return (view) => {
    const weightAt = view.args.indexOf('weight')
    if (weightAt === -1) return []
    const text = view.args[weightAt + 1]
    if (text === undefined) return []
    const problem = numberProblem(text, {min: -254, max: 254, integer: true})
    const value = Number(text)
    if (!problem && value >= min && value <= max) return []
    return [
      {
        code: 'keepalived/weight-range',
        message: `${problem ? problem + ': ' : ''}(${view.owner}) ${kind} ${view.keyword}: weight must be between [${min}..${max}] inclusive, ignoring...`,
        arg: weightAt + 1,
        suggestions: [`write a weight between ${min} and ${max}`],
      },
    ]
  }
}

const scriptArg = (name: string): Check => (view) =>
  view.args.length === 0 ? [{code: 'keepalived/missing-parameter', message: `${name} needs a script to run`}] : []

export const vrrpInstanceContexts: ContextSpec[] = [
  {
    name: 'vrrp_instance',
    keywords: [
      {
        name: 'state',
        minArgs: 1,
        check: enumArg('keepalived/invalid-state', ['MASTER', 'BACKUP'], (v, t) => `(${v.owner}) unknown state '${t}', defaulting to BACKUP`),
        ok: ['state MASTER', 'state BACKUP'],
        fail: [['state master', "unknown state 'master'"]],
      },
      {name: 'interface', minArgs: 1, ok: ['interface eth0']},
      {
        name: 'virtual_router_id',
        minArgs: 1,
        check: numberArg('keepalived/vrid-range', {min: 1, max: 255, integer: true, unsigned: true}, (v, t) => `(${v.owner}): VRID '${t}' not valid - must be between 1 & 255`),
        ok: ['virtual_router_id 1', 'virtual_router_id 255'],
        fail: [
          ['virtual_router_id 0', "number '0' outside range [1, 255]"],
          ['virtual_router_id 256', "VRID '256' not valid"],
          ['virtual_router_id abc', "invalid number 'abc'"],
        ],
      },
      {
        name: 'priority',
        minArgs: 1,
        check: numberArg('keepalived/priority-range', {min: 1, max: 255, integer: true, unsigned: true}, (v) => `(${v.owner}) Priority not valid! must be between 1 & 255. Using default 100`),
        ok: ['priority 1', 'priority 100', 'priority 255'],
        fail: [
          ['priority 0', "number '0' outside range [1, 255]"],
          ['priority 300', 'Priority not valid! must be between 1 & 255'],
          ['priority -5', "negative number '-5'"],
        ],
      },
      {
        name: 'advert_int',
        minArgs: 1,
        check: numberArg('keepalived/advert-int-range', {min: 0.01, max: 255}, (v, t) => `(${v.owner}) Advert interval (${t}) not valid! Must be > 0 - ignoring`),
        ok: ['advert_int 1', 'advert_int 0.5', 'advert_int 255'],
        fail: [
          ['advert_int 0', "number '0' outside range [0.010000, 255.000000]"],
          ['advert_int 300', 'Advert interval (300) not valid'],
          ['advert_int abc', "invalid number 'abc'"],
        ],
      },
      {
        name: 'version',
        minArgs: 1,
        check: numberArg('keepalived/vrrp-version', {min: 2, max: 3, integer: true, unsigned: true}, (v) => `(${v.owner}): Version must be either 2 or 3`),
        ok: ['version 2', 'version 3'],
        fail: [['version 4', 'Version must be either 2 or 3']],
      },
      {
        name: 'preempt_delay',
        minArgs: 1,
        check: numberArg('keepalived/preempt-delay-range', {min: 0, max: 1000, unsigned: true}, (v) => `(${v.owner}) Preempt_delay not valid! must be between 0-1000`),
        ok: ['preempt_delay 0', 'preempt_delay 300', 'preempt_delay 1.5'],
        fail: [
          ['preempt_delay 1001', 'Preempt_delay not valid! must be between 0-1000'],
          ['preempt_delay -1', "negative number '-1'"],
        ],
      },
      {name: 'nopreempt', ok: ['nopreempt']},
      {name: 'preempt', ok: ['preempt']},
      {name: 'authentication', block: {kind: 'keywords', context: 'authentication'}},
      {name: 'virtual_ipaddress', block: {kind: 'values', line: checkVipLine}},
      {name: 'virtual_ipaddress_excluded', block: {kind: 'values', line: checkVipLine}},
      {name: 'virtual_routes', block: {kind: 'values'}},
      {name: 'virtual_rules', block: {kind: 'values'}},
      {name: 'track_interface', block: {kind: 'values', line: trackLine('track_interface', -254, 254)}},
      {name: 'track_script', block: {kind: 'values', line: trackLine('track script', -253, 253)}},
      {name: 'track_file', block: {kind: 'values', line: trackLine('track file', -254, 254)}},
      {name: 'track_process', block: {kind: 'values', line: trackLine('track process', -254, 254)}},
      {name: 'track_bfd', block: {kind: 'values'}},
      {
        name: 'unicast_src_ip',
        minArgs: 1,
        check: (v) =>
          isIp(v.args[0] ?? '')
            ? []
            : [{code: 'keepalived/invalid-address', message: `Configuration error: VRRP instance[${v.owner}] malformed src address[${v.args[0]}]. Skipping...`, arg: 0}],
        ok: ['unicast_src_ip 198.18.0.11'],
        fail: [['unicast_src_ip 1.2.3', 'malformed src address[1.2.3]']],
      },
      {name: 'unicast_peer', block: {kind: 'values', line: checkPeerLine}},
      {name: 'mcast_src_ip', minArgs: 1},
      {name: 'notify_master', minArgs: 1, check: scriptArg('notify_master')},
      {name: 'notify_backup', minArgs: 1, check: scriptArg('notify_backup')},
      {name: 'notify_fault', minArgs: 1, check: scriptArg('notify_fault')},
      {name: 'notify_stop', minArgs: 1, check: scriptArg('notify_stop')},
      {name: 'notify', minArgs: 1, check: scriptArg('notify')},
      {name: 'smtp_alert', ok: ['smtp_alert']},
      {name: 'garp_master_delay', minArgs: 1, ok: ['garp_master_delay 5']},
      {name: 'garp_master_repeat', minArgs: 1, ok: ['garp_master_repeat 5']},
      {name: 'garp_master_refresh', minArgs: 1},
      {name: 'use_vmac'},
      {name: 'accept'},
      {name: 'no_accept'},
      {name: 'dont_track_primary'},
    ],
    known: known.vrrp_instance,
  },
  {
    name: 'authentication',
    keywords: [
      {
        name: 'auth_type',
        minArgs: 1,
        check: enumArg('keepalived/auth-type', ['PASS', 'AH'], (v, t) => `(${v.owner}) unknown authentication type '${t}'`),
        ok: ['auth_type PASS', 'auth_type AH'],
        fail: [['auth_type FOO', "unknown authentication type 'FOO'"]],
      },
      {
        name: 'auth_pass',
        minArgs: 1,
        check: (v) =>
          (v.args[0] ?? '').length > 8
            ? [
                {
                  code: 'keepalived/auth-pass-length',
                  message: `Truncating auth_pass to 8 characters: keepalived sends only the first 8 of these ${v.args[0]!.length}`,
                  arg: 0,
                  suggestions: ['shorten auth_pass to at most 8 characters, the same on every node'],
                },
              ]
            : [],
        ok: ['auth_pass 12345678'],
        fail: [['auth_pass 123456789', 'Truncating auth_pass to 8 characters']],
      },
    ],
    known: known.authentication,
  },
]

