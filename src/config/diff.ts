import type {OutlineDirective, OutlineSection} from './outline.js'

export type ChangeKind = 'added' | 'removed' | 'changed' | 'reordered'

export interface ConfigChange {
  kind: ChangeKind
  /** Section path, e.g. `backend app` or `virtual_server 198.18.0.100 80 > real_server 198.18.0.11 80`. */
  section: string
  /** The directive's keyword, or null when a whole section was added or removed. */
  directive: string | null
  /** Text before and after (secrets redacted); null where it does not exist. */
  before: string | null
  after: string | null
  /** Where to look: the new config for added/changed/reordered, the old one for removed. */
  file: string
  line: number
}

export interface DiffResult {
  same: boolean
  changes: ConfigChange[]
}

export const REDACTED = '<redacted>'

/** Semantic diff of two outlines: comments and spacing never count, order only inside an order group. */
export function diffOutlines(before: OutlineSection[], after: OutlineSection[]): DiffResult {
  const changes: ConfigChange[] = []
  diffSectionLists(before, after, '', changes)
  return {same: changes.length === 0, changes}
}

function diffSectionLists(before: OutlineSection[], after: OutlineSection[], parent: string, changes: ConfigChange[]): void {
  const old = keyed(before, (s) => s.key)
  const next = keyed(after, (s) => s.key)
  for (const [key, a] of old) {
    const path = joinPath(parent, a.key)
    const b = next.get(key)
    if (!b) {
      changes.push({kind: 'removed', section: path, directive: null, before: sectionSummary(a), after: null, file: a.file, line: a.line})
      continue
    }
    diffDirectives(a, b, path, changes)
    diffSectionLists(a.children, b.children, path, changes)
  }
  for (const [key, b] of next) {
    if (!old.has(key)) {
      changes.push({kind: 'added', section: joinPath(parent, b.key), directive: null, before: null, after: sectionSummary(b), file: b.file, line: b.line})
    }
  }
}

function diffDirectives(a: OutlineSection, b: OutlineSection, section: string, changes: ConfigChange[]): void {
  const old = keyed(a.directives, (d) => d.key)
  const next = keyed(b.directives, (d) => d.key)
  for (const [key, d] of old) {
    const e = next.get(key)
    if (!e) {
      changes.push({kind: 'removed', section, directive: d.keyword, before: render(d), after: null, file: d.file, line: d.line})
    } else if (!sameWords(d, e)) {
      const [was, now] = [render(d), render(e)]
      // Only a secret differs: say so, since both sides print the same redacted text.
      const after = was === now ? `${now} (secret changed)` : now
      changes.push({kind: 'changed', section, directive: e.keyword, before: was, after, file: e.file, line: e.line})
    }
  }
  for (const [key, e] of next) {
    if (!old.has(key)) changes.push({kind: 'added', section, directive: e.keyword, before: null, after: render(e), file: e.file, line: e.line})
  }
  changes.push(...reorderings(a.directives, b.directives, section))
}

/**
 * Within an order group (acl evaluation, use_backend, http-request rules ...), the directives both
 * configs share must come in the same relative order; the first one out of place is reported.
 */
function reorderings(before: OutlineDirective[], after: OutlineDirective[], section: string): ConfigChange[] {
  const out: ConfigChange[] = []
  const groups = new Set(after.map((d) => d.orderGroup).filter((g): g is string => g !== undefined))
  for (const group of groups) {
    const beforeKeys = occurrenceKeys(before.filter((d) => d.orderGroup === group))
    const afterItems = after.filter((d) => d.orderGroup === group)
    const afterKeys = occurrenceKeys(afterItems)
    const shared = new Set(beforeKeys.filter((k) => afterKeys.includes(k)))
    const oldOrder = beforeKeys.filter((k) => shared.has(k))
    const newOrder = afterKeys.filter((k) => shared.has(k))
    const moved = newOrder.findIndex((k, i) => k !== oldOrder[i])
    if (moved === -1) continue
    const item = afterItems[afterKeys.indexOf(newOrder[moved]!)]!
    out.push({
      kind: 'reordered',
      section,
      directive: item.keyword,
      before: `position ${oldOrder.indexOf(newOrder[moved]!) + 1} of ${oldOrder.length} in ${group}`,
      after: `position ${moved + 1} of ${newOrder.length} in ${group}: ${render(item)}`,
      file: item.file,
      line: item.line,
    })
  }
  return out
}

/** Items by key; a key that repeats gets `#2`, `#3`... so the n-th occurrences pair up. */
function keyed<T>(items: T[], key: (item: T) => string): Map<string, T> {
  const map = new Map<string, T>()
  const seen = new Map<string, number>()
  for (const item of items) {
    const k = key(item)
    const n = (seen.get(k) ?? 0) + 1
    seen.set(k, n)
    map.set(n === 1 ? k : `${k}#${n}`, item)
  }
  return map
}

function occurrenceKeys(items: OutlineDirective[]): string[] {
  return [...keyed(items, (d) => d.key).keys()]
}

function sameWords(a: OutlineDirective, b: OutlineDirective): boolean {
  return a.keyword === b.keyword && a.args.length === b.args.length && a.args.every((w, i) => w === b.args[i])
}

/** The directive as a line of config text, with secret arguments replaced. */
export function render(d: OutlineDirective): string {
  const secrets = new Set(d.secretArgs ?? [])
  const args = d.args.map((w, i) => (secrets.has(i) ? REDACTED : quoteIfNeeded(w)))
  return [d.keyword, ...args].join(' ')
}

function quoteIfNeeded(word: string): string {
  return word === '' || /[\s#"'\\]/.test(word) ? JSON.stringify(word) : word
}

function sectionSummary(s: OutlineSection): string {
  const count = s.directives.length
  return `${s.key} (${count} directive${count === 1 ? '' : 's'})`
}

function joinPath(parent: string, key: string): string {
  return parent ? `${parent} > ${key}` : key
}
