/** Rule keywords whose order matters: http-request, http-response, http-after-response, tcp-request, tcp-response. */
import {didYouMean, parseInteger} from './args.js'
import {error, timeArg} from './common.js'
import {spec, conditionIndex, type KeywordContext, type KeywordSpec} from './spec.js'

const names = (s: string): string[] => s.trim().split(/\s+/)

/** Actions per rule set (HAProxy 2.6 registrations plus the built-ins); a trailing `*` takes a suffix such as `(name)` or `0`. */
export const RULE_ACTIONS: Record<string, string[]> = {
  'http-request': names(`add-acl* add-header allow auth cache-use capture del-acl* del-header del-map* deny disable-l7-retry do-resolve*
    early-hint normalize-uri ot-group redirect reject replace-header replace-path replace-pathq replace-uri replace-value return
    sc-inc-gpc* sc-inc-gpc0* sc-inc-gpc1* sc-set-gpt* sc-set-gpt0* send-spoe-group set-dst set-dst-port set-header set-log-level set-map*
    set-mark set-method set-nice set-path set-pathq set-priority-class set-priority-offset set-query set-src set-src-port set-timeout
    set-tos set-uri set-var* set-var-fmt* silent-drop strict-mode tarpit track-sc* unset-var* use-service wait-for-body wait-for-handshake`),
  'http-response': names(`add-acl* add-header allow cache-store capture del-acl* del-header del-map* deny ot-group redirect replace-header
    replace-value return sc-inc-gpc* sc-inc-gpc0* sc-inc-gpc1* sc-set-gpt* sc-set-gpt0* send-spoe-group set-header set-log-level set-map*
    set-mark set-nice set-status set-tos set-var* set-var-fmt* silent-drop strict-mode track-sc* unset-var* wait-for-body`),
  'http-after-response': names(`add-header allow capture del-header ot-group replace-header replace-value set-header set-status set-var*
    set-var-fmt* strict-mode unset-var*`),
  'tcp-request connection': names(`accept reject expect-proxy expect-netscaler-cip capture track-sc* sc-inc-gpc* sc-inc-gpc0* sc-inc-gpc1*
    sc-set-gpt* sc-set-gpt0* set-dst set-dst-port set-mark set-src set-src-port set-tos set-var* set-var-fmt* silent-drop unset-var*`),
  'tcp-request session': names(`accept reject track-sc* sc-inc-gpc* sc-inc-gpc0* sc-inc-gpc1* sc-set-gpt* sc-set-gpt0* set-dst set-dst-port
    set-mark set-src set-src-port set-tos set-var* set-var-fmt* silent-drop unset-var*`),
  'tcp-request content': names(`accept reject capture track-sc* do-resolve* ot-group sc-inc-gpc* sc-inc-gpc0* sc-inc-gpc1* sc-set-gpt*
    sc-set-gpt0* send-spoe-group set-dst set-dst-port set-log-level set-mark set-nice set-priority-class set-priority-offset set-src
    set-src-port set-tos set-var* set-var-fmt* silent-drop switch-mode unset-var* use-service`),
  'tcp-response content': names(`accept reject close ot-group sc-inc-gpc* sc-inc-gpc0* sc-inc-gpc1* sc-set-gpt* sc-set-gpt0* send-spoe-group
    set-log-level set-mark set-nice set-tos set-var* set-var-fmt* silent-drop unset-var*`),
}

/** The action name as registered (`set-var(txn.x)` → `set-var*`, `track-sc0` → `track-sc*`), or undefined. */
export function matchAction(set: string, word: string): string | undefined {
  const actions = RULE_ACTIONS[set] ?? []
  if (actions.includes(word)) return word
  for (const a of actions) {
    if (!a.endsWith('*')) continue
    const base = a.slice(0, -1)
    if (word.startsWith(base) && word.length > base.length && (word[base.length] === '(' || /[0-9]/.test(word[base.length] as string))) return a
  }
  return undefined
}

/** Actions with a fixed number of arguments before the condition. */
const EXACT_ARGS: Record<string, number> = {
  'add-header': 2, 'set-header': 2, 'replace-header': 3, 'replace-value': 3,
  'set-path': 1, 'set-pathq': 1, 'set-uri': 1, 'set-method': 1, 'set-query': 1, 'replace-path': 2, 'replace-pathq': 2, 'replace-uri': 2,
}

/** Actions that need at least this many arguments before the condition. */
const MIN_ARGS: Record<string, number> = {'del-header': 1, 'set-status': 1, 'set-var*': 1}

/**
 * The most words an action takes before `if`/`unless` (optional ones counted: `del-header X -m str`,
 * `set-status 503 reason R`); a word past them is an error. Measured against haproxy -c in every rule set.
 */
const MAX_ARGS: Record<string, number> = {
  accept: 0, allow: 0, close: 0, reject: 0, 'silent-drop': 0, 'disable-l7-retry': 0, 'wait-for-handshake': 0, 'unset-var*': 0,
  'set-var*': 1, 'set-src': 1, 'set-dst': 1, 'set-src-port': 1, 'set-dst-port': 1, 'set-log-level': 1, 'set-mark': 1, 'set-nice': 1,
  'set-tos': 1, 'set-priority-class': 1, 'set-priority-offset': 1, 'strict-mode': 1, 'del-header': 3, 'set-status': 3,
}

/** Actions whose first argument may be followed by this word and a value. */
const OPTIONAL_PAIR: Record<string, string> = {'set-status': 'reason', 'del-header': '-m'}

/** Actions HAProxy 2.6 only accepts after `expose-experimental-directives` in global. */
export const EXPERIMENTAL_ACTIONS = new Set(['normalize-uri'])

function checkRuleAction(ctx: KeywordContext, set: string, actionIndex: number): void {
  const action = ctx.words[actionIndex]
  const keyword = set
  if (action === undefined) {
    error(ctx, `'${keyword}' expects an action.`, ctx.words[actionIndex - 1], [], 'haproxy/missing-argument')
    return
  }
  const matched = matchAction(set, action.value)
  if (matched === undefined) {
    const candidates = (RULE_ACTIONS[set] ?? []).map((a) => a.replace('*', ''))
    const guess = didYouMean(action.value, candidates)
    const list = (RULE_ACTIONS[set] ?? []).map((a) => `'${a.replace('*', '(*)')}'`).join(', ')
    error(ctx, `'${keyword}' expects ${list}, but got '${action.value}'.`, action, guess ? [`did you mean '${guess}'?`] : [], 'haproxy/unknown-action')
    return
  }
  const cond = conditionIndex(ctx.words, actionIndex + 1)
  const argEnd = cond === -1 ? ctx.words.length : cond
  const argc = argEnd - actionIndex - 1
  const min = MIN_ARGS[matched]
  if (min !== undefined && argc < min) {
    error(ctx, `error detected in ${ctx.section} '${ctx.sectionName}' while parsing '${keyword} ${action.value}' rule : expects at least ${min} argument${min === 1 ? '' : 's'}.`, action, [], 'haproxy/wrong-argument-count')
  }
  const exact = EXACT_ARGS[matched]
  if (exact !== undefined && argc !== exact) {
    const where = `${ctx.section} '${ctx.sectionName}'`
    error(ctx, `error detected in ${where} while parsing '${keyword} ${action.value}' rule : expects exactly ${exact} argument${exact === 1 ? '' : 's'}.`, action, [], 'haproxy/wrong-argument-count')
  }
  if (matched === 'set-status') {
    const code = ctx.words[actionIndex + 1]
    const n = code === undefined ? undefined : parseInteger(code.value)
    if (code !== undefined && (!n?.ok || n.value < 100 || n.value > 999)) {
      error(ctx, `error detected in ${ctx.section} '${ctx.sectionName}' while parsing '${keyword} ${action.value}' rule : expects an integer status code between 100 and 999.`, code, [], 'haproxy/invalid-argument')
    }
  }
  // An optional `reason <text>` / `-m <method>` after the first argument: only as a whole pair.
  const pair = OPTIONAL_PAIR[matched]
  const pairAt = actionIndex + 2
  const max = pair !== undefined && (ctx.words[pairAt]?.value !== pair || pairAt + 1 >= argEnd) ? 1 : MAX_ARGS[matched]
  const extra = max === undefined || argc <= max ? undefined : ctx.words[actionIndex + 1 + max]
  if (extra !== undefined) {
    const rule = `'${keyword} ${action.value}'`
    const message = set.startsWith('tcp-')
      ? `${rule} only accepts 'if' or 'unless', in proxy '${ctx.sectionName}' (got '${extra.value}')`
      : `${rule} expects either 'if' or 'unless' followed by a condition but found '${extra.value}'.`
    error(ctx, message, extra, ['a condition starts with `if` or `unless`'], 'haproxy/unexpected-argument')
  }
}

const anonymousDefaults = (kw: string) => (kind: string, _name: string, named: boolean) => (kind === 'defaults' && !named ? `'${kw}' not allowed in anonymous 'defaults' section.` : undefined)

const httpRule = (name: string, ok: string[], fail: string[]): KeywordSpec =>
  spec({name, proxy: 'nXXX', misplaced: anonymousDefaults(name), condition: true, validate: (ctx) => checkRuleAction(ctx, name, 1), ok, fail})

function checkTcpRequest(ctx: KeywordContext): void {
  const phase = ctx.words[1]
  if (phase === undefined) {
    error(ctx, "'tcp-request' expects 'connection', 'session', 'content' or 'inspect-delay'.", ctx.words[0], [], 'haproxy/missing-argument')
    return
  }
  if (phase.value === 'inspect-delay') {
    timeArg(ctx, 2, 'tcp-request inspect-delay', "'tcp-request inspect-delay' expects a delay as argument.")
    return
  }
  if (!['connection', 'session', 'content'].includes(phase.value)) {
    error(ctx, `'tcp-request' expects 'connection', 'session', 'content' or 'inspect-delay', but got '${phase.value}'.`, phase, [], 'haproxy/unknown-keyword')
    return
  }
  if (ctx.section === 'backend' && phase.value !== 'content') {
    error(ctx, `tcp-request ${phase.value} is not allowed because backend ${ctx.sectionName} is not a frontend`, phase, [], 'haproxy/misplaced-keyword')
    return
  }
  checkRuleAction(ctx, `tcp-request ${phase.value}`, 2)
}

function checkTcpResponse(ctx: KeywordContext): void {
  const phase = ctx.words[1]
  if (phase?.value === 'inspect-delay') {
    timeArg(ctx, 2, 'tcp-response inspect-delay', "'tcp-response inspect-delay' expects a delay as argument.")
    return
  }
  if (phase?.value !== 'content') {
    error(ctx, `'tcp-response' expects 'content' or 'inspect-delay', but got '${phase?.value ?? ''}'.`, phase ?? ctx.words[0], [], 'haproxy/unknown-keyword')
    return
  }
  checkRuleAction(ctx, 'tcp-response content', 2)
}

export const RULE_KEYWORDS: KeywordSpec[] = [
  httpRule(
    'http-request',
    ['http-request deny if { src 10.0.0.1 }', 'http-request set-header X-Forwarded-Proto https if { ssl_fc }', 'http-request redirect scheme https unless { ssl_fc }', 'http-request set-var(txn.host) req.hdr(host)', 'http-request allow', 'http-request add-header X-Real-IP %[src]', 'http-request replace-path /old(.*) /new\\1', 'http-request del-header X-Debug -m beg'],
    ['http-request foo', 'http-request set-header X', 'http-request add-header X-A', 'http-request set-path', 'http-request replace-path /a'],
  ),
  httpRule('http-response', ['http-response set-header X-Frame-Options DENY', 'http-response del-header Server', 'http-response set-status 503 reason "Down"', 'http-response del-header Server -m beg', 'http-response set-status 404 if TRUE'], ['http-response foo', 'http-response del-header', 'http-response set-status', 'http-response set-status 99', 'http-response set-status x', 'http-response set-status 503 reason', 'http-response del-header Server x', 'http-response del-header Server -m', 'http-response set-var(txn.x)']),
  httpRule('http-after-response', ['http-after-response set-header X-A b'], ['http-after-response deny']),
  spec({
    name: 'tcp-request',
    proxy: 'nXXX',
    misplaced: (kind, _name, named) => (kind === 'defaults' && !named ? 'tcp-request content is not allowed in anonymous \'defaults\' sections' : undefined),
    condition: true,
    validate: checkTcpRequest,
    ok: ['tcp-request inspect-delay 5s', 'tcp-request content accept if { req_ssl_hello_type 1 }', 'tcp-request connection reject if { src 10.0.0.0/8 }'],
    fail: ['tcp-request foo', 'tcp-request content foo', 'tcp-request inspect-delay 5x'],
  }),
  spec({
    name: 'tcp-response',
    proxy: 'n-XX',
    misplaced: (kind, _name, named) => (kind === 'frontend' || (kind === 'defaults' && !named) ? "tcp-response content is only allowed in 'backend' sections or 'defaults' section with a name" : undefined),
    condition: true,
    validate: checkTcpResponse,
    ok: ['tcp-response content accept'],
    fail: ['tcp-response content foo'],
  }),
]
