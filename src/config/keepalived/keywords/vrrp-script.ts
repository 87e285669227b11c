import {known} from './known.js'
import {type Check, type ContextSpec, numberProblem} from './spec.js'

/** interval/timeout: whole seconds; 0 is replaced by 1, other bad values are ignored (vrrp_parser.c). */
function seconds(name: string): Check {
  return (v) => {
    const text = v.args[0]
    if (text === undefined) return []
    if (/^0+$/.test(text)) return [{code: 'keepalived/script-interval', message: `(${v.owner}): vrrp script ${name} must be greater than 0, setting to 1`, arg: 0}]
    const problem = numberProblem(text, {min: 1, max: 4294, integer: true, unsigned: true})
    if (!problem) return []
    return [
      {
        code: 'keepalived/script-interval',
        message: `${problem}: (${v.owner}): vrrp script ${name} '${text}' must be between 1 and 4294 - ignoring`,
        arg: 0,
        suggestions: ['write whole seconds between 1 and 4294'],
      },
    ]
  }
}

function count(name: string): Check {
  return (v) => {
    const text = v.args[0]
    if (text === undefined) return []
    const problem = numberProblem(text, {min: 1, max: 2147483647, integer: true})
    return problem
      ? [{code: 'keepalived/script-count', message: `${problem}: (${v.owner}): vrrp script ${name} value '${text}' invalid, defaulting to 1`, arg: 0}]
      : []
  }
}

const weight: Check = (v) => {
  const text = v.args[0]
  if (text === undefined) return []
  const problem = numberProblem(text, {min: -253, max: 253, integer: true})
  const problems = problem
    ? [
        {
          code: 'keepalived/weight-range',
          message: `${problem}: vrrp_script ${v.owner} weight ${text} must be in [-253, 253]`,
          arg: 0,
          suggestions: ['write a weight between -253 and 253'],
        },
      ]
    : []
  const extra = v.args[1]
  if (extra !== undefined && extra !== 'reverse')
    problems.push({code: 'keepalived/unknown-option', message: `vrrp_script ${v.owner} weight has unknown option '${extra}'`, arg: 1, suggestions: ["only 'reverse' may follow the weight"]})
  return problems
}

export const vrrpScriptContexts: ContextSpec[] = [
  {
    name: 'vrrp_script',
    keywords: [
      {name: 'script', ok: ['script "killall -0 haproxy"', 'script /etc/keepalived/check.sh']},
      {name: 'interval', minArgs: 1, check: seconds('interval'), ok: ['interval 2'], fail: [['interval 0', 'must be greater than 0'], ['interval 1.5', "invalid number '1.5'"]]},
      {name: 'timeout', minArgs: 1, check: seconds('timeout'), ok: ['timeout 5'], fail: [['timeout 0', 'must be greater than 0']]},
      {
        name: 'weight',
        minArgs: 1,
        check: weight,
        ok: ['weight -2', 'weight 2', 'weight 253', 'weight -253', 'weight 10 reverse'],
        fail: [['weight 254', 'weight 254 must be in [-253, 253]'], ['weight -300', "number '-300' outside range [-253, 253]"]],
      },
      {name: 'rise', minArgs: 1, check: count('rise'), ok: ['rise 1'], fail: [['rise 0', "number '0' outside range [1, 2147483647]"]]},
      {name: 'fall', minArgs: 1, check: count('fall'), ok: ['fall 3'], fail: [['fall 0', 'vrrp script fall value']]},
      {name: 'user', minArgs: 1, ok: ['user root']},
      {name: 'init_fail'},
    ],
    known: known.vrrp_script,
  },
]
