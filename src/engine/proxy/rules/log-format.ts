/**
 * HAProxy log-format strings as used in header values and redirects: literal text, `%%`, and
 * `%[fetch(args),converter...]` sample expressions (the last occurrence of a multi-valued sample,
 * like HAProxy's sample fetches), plus the aliases %ci %cp %fp.
 */
import {type AclRequest, splitCriterion} from '../acl/index.js'
import {FETCHES} from '../acl/fetches.js'
import type {Compiled} from '../acl/expression.js'

export type Formatter = (req: AclRequest) => string

const CONVERTERS: Record<string, (s: string) => string> = {
  lower: (s) => s.toLowerCase(),
  upper: (s) => s.toUpperCase(),
  length: (s) => String(s.length),
  base64: (s) => Buffer.from(s, 'latin1').toString('base64'),
}

const ALIASES: Record<string, Formatter> = {
  ci: (req) => req.src,
  cp: (req) => String(req.srcPort ?? ''),
  fp: (req) => String(req.dstPort),
}

/** A sample expression `fetch(args),conv,...` as a function returning its value ('' when absent). */
export function compileSample(expression: string): Compiled<Formatter> {
  const compiled = compileSampleValue(expression)
  if (!compiled.ok) return compiled
  const get = compiled.value
  return {ok: true, value: (req) => get(req) ?? ''}
}

/** The same, with undefined when the sample is absent (`set-var` then leaves the variable unset). */
export function compileSampleValue(expression: string): Compiled<(req: AclRequest) => string | undefined> {
  const {name, args, converters} = splitCriterion(expression)
  const fetch = FETCHES.get(name)
  if (!fetch) return {ok: false, problem: `sample fetch '${name}' is not supported by the bundled engine yet`}
  if (fetch.args === 'required' && args.length === 0) return {ok: false, problem: `fetch '${name}' needs an argument`}
  const convs: ((s: string) => string)[] = []
  for (const c of converters) {
    const conv = CONVERTERS[c]
    if (!conv) return {ok: false, problem: `converter '${c}' is not supported by the bundled engine yet`}
    convs.push(conv)
  }
  const get = fetch.get
  return {
    ok: true,
    value: (req) => {
      const last = get(req, args).at(-1)
      if (last === undefined) return undefined
      let v = String(last)
      for (const conv of convs) v = conv(v)
      return v
    },
  }
}

/** Compiles a log-format string; a string without `%` costs nothing at run time. */
export function compileLogFormat(text: string): Compiled<Formatter> {
  if (!text.includes('%')) return {ok: true, value: () => text}
  const parts: (string | Formatter)[] = []
  let literal = ''
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!
    if (c !== '%') {
      literal += c
      continue
    }
    const next = text[i + 1]
    if (next === '%') {
      literal += '%'
      i++
      continue
    }
    if (literal !== '') parts.push(literal)
    literal = ''
    if (next === '[') {
      const close = text.indexOf(']', i + 2)
      if (close < 0) return {ok: false, problem: `missing ']' in '${text}'`}
      const sample = compileSample(text.slice(i + 2, close))
      if (!sample.ok) return sample
      parts.push(sample.value)
      i = close
      continue
    }
    const alias = /^[a-zA-Z]+/.exec(text.slice(i + 1))?.[0] ?? ''
    const known = ALIASES[alias]
    if (!known) return {ok: false, problem: `log-format variable '%${alias}' is not supported by the bundled engine yet`}
    parts.push(known)
    i += alias.length
  }
  if (literal !== '') parts.push(literal)
  return {ok: true, value: (req) => parts.map((p) => (typeof p === 'string' ? p : p(req))).join('')}
}
