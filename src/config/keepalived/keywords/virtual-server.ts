import {known} from './known.js'
import {addressCheck, serverAddressProblem} from './server-address.js'
import {type Check, type ContextSpec, enumArg, type KeywordSpec, numberArg} from './spec.js'

export const lbAlgorithms = ['rr', 'wrr', 'lc', 'wlc', 'lblc', 'lblcr', 'dh', 'sh', 'sed', 'nq', 'fo', 'ovf', 'mh'] as const
export const lbKinds = ['NAT', 'DR', 'TUN'] as const
export const checkerNames = ['TCP_CHECK', 'HTTP_GET', 'SSL_GET', 'MISC_CHECK', 'SMTP_CHECK', 'DNS_CHECK', 'BFD_CHECK', 'UDP_CHECK', 'PING_CHECK', 'FILE_CHECK'] as const

const lbAlgo = enumArg('keepalived/lb-algo', lbAlgorithms, (_v, t) => `Invalid lvs_scheduler '${t}' - ignoring`)
const lbKind = enumArg('keepalived/lb-kind', lbKinds, (_v, t) => `PARSER : unknown [${t}] routing method for virtual server.`)

const removed = {
  nat_mask: 'keepalived 2.x removed nat_mask: delete the line',
  nb_get_retry: 'keepalived 2.x renamed nb_get_retry: write `retry N`',
}

const connectPort: Check = numberArg('keepalived/port-range', {min: 1, max: 65535, integer: true, unsigned: true}, (_v, t) => `Invalid checker connect_port '${t}'`)

/** Keywords every checker shares (check_api.c). */
const checkerCommon: KeywordSpec[] = [
  {name: 'connect_ip', minArgs: 1},
  {name: 'connect_port', minArgs: 1, check: connectPort, ok: ['connect_port 80'], fail: [['connect_port 70000', "Invalid checker connect_port '70000'"]]},
  {name: 'bindto', minArgs: 1},
  {name: 'bind_port', minArgs: 1},
  {name: 'connect_timeout', minArgs: 1, ok: ['connect_timeout 10']},
  {name: 'retry', minArgs: 1, ok: ['retry 3']},
  {name: 'delay_before_retry', minArgs: 1, ok: ['delay_before_retry 3']},
  {name: 'warmup', minArgs: 1},
  {name: 'delay_loop', minArgs: 1},
  {name: 'alpha'},
  {name: 'fwmark', minArgs: 1},
  {name: 'log_all_failures'},
]

const checkerBlock = (name: string): KeywordSpec => ({name, block: {kind: 'keywords', context: name}})

const realServerKeywords: KeywordSpec[] = [
  {
    name: 'weight',
    minArgs: 1,
    check: numberArg('keepalived/weight-range', {min: 0, max: 2147483647, integer: true, unsigned: true}, (_v, t) => `Real server weight ${t} is outside range 0-2147483647`),
    ok: ['weight 1', 'weight 0'],
    fail: [['weight -1', "negative number '-1'"]],
  },
  {name: 'inhibit_on_failure'},
  {name: 'notify_up', minArgs: 1},
  {name: 'notify_down', minArgs: 1},
  {name: 'uthreshold', minArgs: 1},
  {name: 'lthreshold', minArgs: 1},
  ...checkerNames.map(checkerBlock),
]

export const virtualServerContexts: ContextSpec[] = [
  {
    name: 'virtual_server',
    removed,
    keywords: [
      {name: 'delay_loop', minArgs: 1, check: numberArg('keepalived/number-range', {min: 0.000001, max: 18446744073709.55}, (_v, t) => `virtual server delay loop '${t}' invalid - ignoring`), ok: ['delay_loop 6'], fail: [['delay_loop 0', "delay loop '0' invalid"]]},
      {name: 'lb_algo', minArgs: 1, check: lbAlgo, ok: lbAlgorithms.map((a) => `lb_algo ${a}`), fail: [['lb_algo foo', "Invalid lvs_scheduler 'foo'"]]},
      {name: 'lvs_sched', minArgs: 1, check: lbAlgo},
      {name: 'lb_kind', minArgs: 1, check: lbKind, ok: lbKinds.map((k) => `lb_kind ${k}`), fail: [['lb_kind nat', 'unknown [nat] routing method']]},
      {name: 'lvs_method', minArgs: 1, check: lbKind},
      {
        name: 'protocol',
        minArgs: 1,
        check: enumArg('keepalived/protocol', ['TCP', 'UDP', 'SCTP'], (_v, t) => `Unknown protocol ${t} - ignoring`),
        ok: ['protocol TCP', 'protocol UDP'],
        fail: [['protocol FOO', 'Unknown protocol FOO']],
      },
      {
        name: 'persistence_timeout',
        minArgs: 0,
        check: numberArg('keepalived/number-range', {min: 1, max: 2678400, integer: true, unsigned: true}, () => 'persistence_timeout invalid'),
        ok: ['persistence_timeout 50'],
        fail: [['persistence_timeout 0', "number '0' outside range [1, 2678400]"]],
      },
      {name: 'persistence_granularity', minArgs: 1},
      {name: 'persistence_engine', minArgs: 1},
      {
        name: 'quorum',
        minArgs: 1,
        check: numberArg('keepalived/number-range', {min: 1, max: 4294967295, integer: true, unsigned: true}, (_v, t) => `Quorum ${t} must be in [1, 4294967295]. Setting to 1.`),
      },
      {name: 'hysteresis', minArgs: 1},
      {name: 'quorum_up', minArgs: 1},
      {name: 'quorum_down', minArgs: 1},
      {name: 'ha_suspend'},
      {name: 'virtualhost', minArgs: 1},
      {name: 'alpha'},
      {name: 'omega'},
      {name: 'ops'},
      {name: 'sorry_server', minArgs: 2, check: addressCheck('keepalived/invalid-server-address', (args) => serverAddressProblem(args, 'sorry'))},
      {name: 'sorry_server_inhibit'},
      {
        name: 'real_server',
        minArgs: 1,
        block: {kind: 'keywords', context: 'real_server'},
        check: addressCheck('keepalived/invalid-server-address', (args) => serverAddressProblem(args, 'real')),
        ok: ['real_server 198.18.4.1 80', 'real_server 198.18.4.1 0'],
        fail: [['real_server 198.18.4.1 -1', "negative number '-1': Invalid real server ip address/port 198.18.4.1/-1 - skipping"]],
      },
      {name: 'retry', minArgs: 1},
      {name: 'delay_before_retry', minArgs: 1},
      {name: 'connect_timeout', minArgs: 1},
      {name: 'warmup', minArgs: 1},
      {name: 'inhibit_on_failure'},
    ],
    known: known.virtual_server,
  },
  {name: 'real_server', removed, keywords: realServerKeywords, known: known.real_server},
  {name: 'TCP_CHECK', removed, keywords: checkerCommon, known: known.TCP_CHECK},
  ...(['HTTP_GET', 'SSL_GET'] as const).map(
    (name): ContextSpec => ({
      name,
      removed,
      keywords: [...checkerCommon, {name: 'url', block: {kind: 'keywords', context: 'url'}}, {name: 'virtualhost', minArgs: 1}],
      known: known[name],
    }),
  ),
  {
    name: 'url',
    keywords: [
      {name: 'path', minArgs: 1, ok: ['path /health']},
      {
        name: 'digest',
        minArgs: 1,
        check: (v) => {
          const text = v.args[0] ?? ''
          if (text.length !== 32)
            return [{code: 'keepalived/invalid-digest', message: `digest '${text}' character length should be 32 rather than ${text.length}`, arg: 0, suggestions: ['write the MD5 of the page as 32 hex digits (genhash prints it)']}]
          return /^[0-9a-fA-F]{32}$/.test(text) ? [] : [{code: 'keepalived/invalid-digest', message: `digest '${text}' is not hexadecimal`, arg: 0}]
        },
        ok: ['digest 9b3a0c85a887a256d6939da88aabd8cd'],
        fail: [['digest abc', "digest 'abc' character length should be 32 rather than 3"]],
      },
      {name: 'status_code', minArgs: 1, ok: ['status_code 200', 'status_code 200-299']},
      {name: 'virtualhost', minArgs: 1},
      {name: 'regex', minArgs: 1},
    ],
    known: known.url,
  },
  {name: 'MISC_CHECK', keywords: [...checkerCommon, {name: 'misc_path', minArgs: 1}, {name: 'misc_timeout', minArgs: 1}, {name: 'misc_dynamic'}, {name: 'user', minArgs: 1}], known: known.MISC_CHECK},
  {name: 'SMTP_CHECK', removed, keywords: [...checkerCommon, {name: 'helo_name', minArgs: 1}, {name: 'host', block: {kind: 'keywords', context: 'smtp_host'}}], known: known.SMTP_CHECK},
  {name: 'smtp_host', keywords: checkerCommon, known: known.smtp_host},
  {name: 'DNS_CHECK', keywords: [...checkerCommon, {name: 'type', minArgs: 1}, {name: 'name', minArgs: 1}], known: known.DNS_CHECK},
  {name: 'BFD_CHECK', keywords: [], known: known.BFD_CHECK},
  {name: 'UDP_CHECK', keywords: checkerCommon, known: known.UDP_CHECK},
  {name: 'PING_CHECK', keywords: checkerCommon, known: known.PING_CHECK},
  {name: 'FILE_CHECK', keywords: [], known: known.FILE_CHECK},
]
