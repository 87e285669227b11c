/**
 * Declarative keyword specs: which keywords a keepalived block accepts, what block they open,
 * and how their arguments are checked. Messages use keepalived 2.2.7's own wording.
 */

/** What a keyword's arguments look like to a check. */
export interface ArgsView {
  keyword: string
  args: string[]
  /** Name of the enclosing block, e.g. `VI_1` for a vrrp_instance, `chk` for a vrrp_script. */
  owner: string
}

export interface Problem {
  code: string
  message: string
  suggestions?: string[]
  severity?: 'error' | 'warning' | 'info'
  /** Which argument is wrong (0-based), to point the caret at it. */
  arg?: number
}

export type Check = (view: ArgsView) => Problem[]

export type BlockSpec =
  /** `{ ... }` holding keywords of another context. */
  | {kind: 'keywords'; context: string}
  /** `{ ... }` holding value lines (addresses, script names...), checked line by line. */
  | {kind: 'values'; line?: Check}

export interface KeywordSpec {
  name: string
  block?: BlockSpec
  /** Arguments keepalived needs; with fewer it stops reading the configuration (exit 4... see missingParameter). */
  minArgs?: number
  check?: Check
  /** Lines (in this keyword's context) that must produce no diagnostic. */
  ok?: string[]
  /** Lines that must produce a diagnostic whose message contains the text. */
  fail?: [line: string, message: string][]
  /** Shown in did-you-mean when a removed keyword is used. */
  doc?: string
}

export interface ContextSpec {
  name: string
  keywords: KeywordSpec[]
  /** Further keywords keepalived 2.2.7 accepts here, without argument checks. */
  known?: readonly string[]
  /** Keywords keepalived no longer knows, with what to write instead. */
  removed?: Record<string, string>
}

// ---------- numbers, worded like lib/parser.c read_*_func ----------

export interface NumberRule {
  min: number
  max: number
  integer?: boolean
  /** Read with strtoul: a leading '-' is reported as "negative number". */
  unsigned?: boolean
}

export function numberProblem(text: string, rule: NumberRule): string | undefined {
  const trimmed = text.trim()
  if (rule.unsigned && trimmed.startsWith('-')) return `negative number '${text}'`
  const pattern = rule.integer ? /^[+-]?\d+$/ : /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/
  if (!pattern.test(trimmed)) return `invalid number '${text}'`
  const value = Number(trimmed)
  if (value < rule.min || value > rule.max) {
    const fmt = (n: number) => (rule.integer ? String(n) : n.toFixed(6))
    return `number '${text}' outside range [${fmt(rule.min)}, ${fmt(rule.max)}]`
  }
  return undefined
}

/** One numeric argument; `consequence` adds what keepalived does about a bad value. */
export function numberArg(code: string, rule: NumberRule, consequence: (view: ArgsView, text: string) => string, index = 0): Check {
  return (view) => {
    const text = view.args[index]
    if (text === undefined) return []
    const problem = numberProblem(text, rule)
    if (!problem) return []
    return [{code, message: `${problem}: ${consequence(view, text)}`, arg: index, suggestions: [`write a number between ${rule.min} and ${rule.max}`]}]
  }
}

export function enumArg(code: string, values: readonly string[], message: (view: ArgsView, text: string) => string, index = 0): Check {
  return (view) => {
    const text = view.args[index]
    if (text === undefined || values.includes(text)) return []
    const close = values.find((v) => v.toLowerCase() === text.toLowerCase())
    return [
      {
        code,
        message: message(view, text),
        arg: index,
        suggestions: close ? [`write '${close}' (keepalived is case sensitive)`] : [`use one of ${values.join(', ')}`],
      },
    ]
  }
}

export function allChecks(...checks: Check[]): Check {
  return (view) => checks.flatMap((c) => c(view))
}

export function isIpv4(text: string): boolean {
  const parts = text.split('.')
  return parts.length === 4 && parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)
}

export function isIpv6(text: string): boolean {
  if (!text.includes(':') || !/^[0-9a-fA-F:.]+$/.test(text)) return false
  const double = text.split('::').length - 1
  if (double > 1) return false
  const groups = text.split(':').filter((g) => g !== '')
  const last = groups[groups.length - 1]
  const v4tail = last !== undefined && last.includes('.')
  if (v4tail && !isIpv4(last)) return false
  const count = groups.length + (v4tail ? 1 : 0)
  if (groups.some((g) => !g.includes('.') && g.length > 4)) return false
  return double === 1 ? count < 8 : count === 8
}

export function isIp(text: string): boolean {
  return isIpv4(text) || isIpv6(text)
}
