/**
 * `if|unless` conditions: OR-ed groups of AND-ed terms, each a named ACL (every `acl` line with that
 * name, OR-ed), a predefined ACL, or an anonymous `{ ... }` one, optionally negated with `!`.
 */
import type {Acl, Condition} from '../../../config/haproxy/index.js'
import {type AclTest, type Compiled, compileExpression} from './expression.js'
import type {AclRequest} from './request.js'

/** HAProxy's predefined ACLs that the engine can evaluate, as the expressions they stand for. */
const PREDEFINED: Record<string, string[]> = {
  TRUE: ['always_true'],
  FALSE: ['always_false'],
  HTTP: ['always_true'],
  'HTTP_1.0': ['req.ver', '1.0'],
  'HTTP_1.1': ['req.ver', '1.1'],
  HTTP_CONTENT: ['hdr_val(content-length)', 'gt', '0'],
  HTTP_URL_ABS: ['url_reg', '^[^/:]*://'],
  HTTP_URL_SLASH: ['url_beg', '/'],
  HTTP_URL_STAR: ['url', '*'],
  LOCALHOST: ['src', '127.0.0.1/8', '::1'],
  METH_CONNECT: ['method', 'CONNECT'],
  METH_DELETE: ['method', 'DELETE'],
  METH_GET: ['method', 'GET', 'HEAD'],
  METH_HEAD: ['method', 'HEAD'],
  METH_OPTIONS: ['method', 'OPTIONS'],
  METH_POST: ['method', 'POST'],
  METH_PUT: ['method', 'PUT'],
  METH_TRACE: ['method', 'TRACE'],
}

export interface RequestCondition {
  /** The condition as written, for messages. */
  readonly text: string
  matches(req: AclRequest): boolean
}

interface Term {
  negated: boolean
  acl: AclTest
}

export interface ConditionOptions {
  readFile?: (path: string) => string
}

/** Compiles a parsed condition against the ACLs declared in its proxy. */
export function compileCondition(condition: Condition, acls: readonly Acl[], options: ConditionOptions = {}): Compiled<RequestCondition> {
  const cache = new Map<string, AclTest>()
  const named = (name: string): Compiled<AclTest> => {
    const known = cache.get(name)
    if (known) return {ok: true, value: known}
    const lines = acls.filter((a) => a.name === name)
    const expressions = lines.length > 0 ? lines.map((a) => [a.criterion, ...a.args]) : PREDEFINED[name] ? [PREDEFINED[name]] : []
    if (expressions.length === 0) return {ok: false, problem: `ACL '${name}' is not supported by the bundled engine yet`}
    const tests: AclTest[] = []
    for (const words of expressions) {
      const compiled = compileExpression(words, options.readFile)
      if (!compiled.ok) return {ok: false, problem: `ACL '${name}': ${compiled.problem}`}
      tests.push(compiled.value)
    }
    const acl: AclTest = tests.length === 1 ? tests[0]! : {test: (req) => tests.some((t) => t.test(req))}
    cache.set(name, acl)
    return {ok: true, value: acl}
  }
  const groups: Term[][] = []
  for (const group of condition.parsed.terms) {
    const terms: Term[] = []
    for (const term of group) {
      const compiled = term.anonymous ? compileExpression(term.anonymous.map((w) => w.value), options.readFile) : named(term.name ?? '')
      if (!compiled.ok) return {ok: false, problem: term.anonymous ? `anonymous ACL '{ ${term.anonymous.map((w) => w.value).join(' ')} }': ${compiled.problem}` : compiled.problem}
      terms.push({negated: term.negated, acl: compiled.value})
    }
    groups.push(terms)
  }
  const unless = condition.kind === 'unless'
  return {
    ok: true,
    value: {
      text: `${condition.kind} ${condition.text}`,
      matches(req) {
        let result = false
        for (const group of groups) {
          let all = true
          for (const term of group) {
            if (term.acl.test(req) === term.negated) {
              all = false
              break
            }
          }
          if (all) {
            result = true
            break
          }
        }
        return unless ? !result : result
      },
    },
  }
}
