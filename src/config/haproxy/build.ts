/**
 * Builds the typed model from the CSTs of one or more files, checking every directive against its
 * keyword spec. Files combine like `haproxy -f a -f b`: each file starts outside of any section.
 */
import {type Diagnostic, diagnostic, type Severity} from '../diagnostics.js'
import {acceptDirective, type CstLine, type CstSection, type HaproxyFileCst, plainServerHead, releaseWordCache} from './cst.js'
import {checkAclExpression, parseCondition, PREDEFINED_ACLS, type ParsedCondition} from './keywords/acl.js'
import {atoi, invalidNameChar, NAME_CHARS_HINT, parseSocketAddress, parseTime, serverAddressFamily} from './keywords/args.js'
import {BIND_OPTIONS as BIND_ARG_COUNTS} from './keywords/bind.js'
import {checkDirective, lookupKeyword, unknownKeyword} from './keywords/index.js'
import {checkedServerOptions, SERVER_OPTIONS as SERVER_ARG_COUNTS} from './keywords/server.js'
import {isProxyKind, SECTION_SPECS, type ProxyKind, type SectionKind} from './keywords/sections.js'
import {conditionIndex, type KeywordContext} from './keywords/spec.js'
import {joinValues, toDirective, wordValues} from './directive.js'
import type {Word} from './lexer.js'
import {
  type Bind,
  type Condition,
  type Directive,
  emptyStats,
  type HaproxyModel,
  type InheritedSettings,
  type Location,
  type OtherSection,
  type Proxy,
  type RuleSet,
  type StatsSettings,
  type UserlistUser,
} from './model.js'
import {applyServerDefaults, knownServer, merged, sharedOptionsOf, toServer} from './model-server.js'

export interface BuildResult {
  model: HaproxyModel
  diagnostics: Diagnostic[]
}

/**
 * Every proxy's `effective` until resolveInheritance gives it its own: one shared object rather than seven
 * per proxy that would all be dropped at the end of the build (after being copied by the GC).
 */
const UNRESOLVED: InheritedSettings = {mode: 'tcp', timeouts: {}, options: {}, defaultServer: {}, stats: emptyStats()}

export function buildModel(files: HaproxyFileCst[]): BuildResult {
  const b = new Builder()
  for (const file of files) for (const section of file.sections) b.section(section)
  b.resolveInheritance()
  for (const file of files) releaseWordCache(file)
  return {model: b.model, diagnostics: b.diagnostics}
}

/** The empty list proxies share until they get an element (never pushed to: see append). */
const NONE = Object.freeze([]) as readonly never[] as never[]
/** The stats settings of a proxy without stats lines, shared (stats() gives a proxy its own). */
const NO_STATS: StatsSettings = Object.freeze({...emptyStats(), auth: NONE, scope: NONE})

/** Sections whose name haproxy checks character by character (defaults, cache and program names it does not). */
const NAMED_SECTIONS: ReadonlySet<string> = new Set(['frontend', 'backend', 'listen', 'userlist', 'peers', 'resolvers', 'mailers', 'http-errors', 'ring'])

/** The empty record proxies share for their timeouts, options and default-server settings until they set one (see own). */
const NO_ENTRIES = Object.freeze({}) as Record<string, never>

/** `record` itself, or a new one in place of the shared empty one, to add entries to. */
function own<T>(record: Record<string, T>): Record<string, T> {
  return record === NO_ENTRIES ? {} : record
}

/** `list` with `item` added: a new array in place of the shared empty one. */
function append<T>(list: T[], item: T): T[] {
  if (list === NONE) return [item]
  list.push(item)
  return list
}

/** What walk's loops share while reading one section. */
interface SectionWalk {
  kind: SectionKind
  named: boolean
  accept: (d: Directive, words: Word[]) => void
  ctx: KeywordContext
  current: {line: CstLine | undefined}
}

function loc(file: string, line: number, column: number): Location {
  return {file, line, column}
}

class Builder {
  readonly diagnostics: Diagnostic[] = []
  readonly model: HaproxyModel = {defaults: [], frontends: [], backends: [], listens: [], proxies: [], others: [], userlists: new Map(), sections: []}
  /** Every defaults section so far, in order; the last one is what a new proxy inherits. */
  private readonly defaultsOrder: Proxy[] = []
  private readonly inheritsFrom = new Map<Proxy, Proxy | undefined>()
  /** Proxies with a `no log` line (it stops the defaults' log from applying). */
  private readonly noLog = new Set<Proxy>()
  /** The ACL names declared so far in the proxy being read (made at its first ACL). */
  private declared: Set<string> | undefined
  /** The proxy whose section walk is reading. */
  private proxyRead: Proxy | undefined
  /**
   * walk's callback for every proxy section: one function, where a closure per section made V8 throw away
   * walk's optimized code at the second section (it had only seen the first one's closure).
   */
  private readonly acceptProxyDirective = (d: Directive, words: Word[]): void => this.proxyDirective(this.proxyRead as Proxy, d, words)

  section(section: CstSection): void {
    const header = section.header
    if (section.kind === 'none' || header === undefined) {
      for (const line of section.body) if (isDirectiveLine(line)) this.unknown(line, 'none')
      return
    }
    const kind = section.kind
    const hw = header.words
    const spec = SECTION_SPECS[kind]
    const file = section.file
    const at = loc(file, header.line, section.column)
    if (spec.name === 'required' && hw[1] === undefined) {
      this.report('error', 'haproxy/missing-section-name', file, header, hw[0], spec.missingName ?? `'${kind}' expects a name.`, [`give the section a name: '${kind} NAME'`])
    }
    if (spec.name === 'none' && hw[1] !== undefined) {
      this.report('error', 'haproxy/too-many-arguments', file, header, hw[1], `'${kind}' cannot handle unexpected argument '${hw[1].value}'.`)
    }
    const nameWord = hw[1]
    if (nameWord !== undefined && NAMED_SECTIONS.has(kind)) {
      const bad = invalidNameChar(nameWord.value)
      if (bad !== undefined) {
        const message = kind === 'ring' ? `invalid ring name '${nameWord.value}' (character '${bad}' is not permitted).` : `character '${bad}' is not permitted in '${kind}' name '${nameWord.value}'.`
        this.report('error', 'haproxy/invalid-name', file, header, nameWord, message, [NAME_CHARS_HINT])
      }
    }
    let from: string | undefined
    if (spec.from && hw[2] !== undefined) {
      if (hw[2].value === 'from' && hw[3] !== undefined) from = hw[3].value
      else if (hw[2].value === 'from') this.report('error', 'haproxy/missing-argument', file, header, hw[2], `'${kind} ${hw[1]?.value ?? ''}' : 'from' expects a defaults section name.`)
      else this.report('warning', 'haproxy/ignored-argument', file, header, hw[2], `'${kind} ${hw[1]?.value ?? ''}' : extra argument '${hw[2].value}' is ignored (only 'from <defaults>' may follow the name).`)
    }
    const name = kind === 'global' ? '' : (hw[1]?.value ?? '')

    if (kind === 'global') this.global(section, at)
    else if (isProxyKind(kind)) this.proxy(section, kind, name, from, at)
    else this.other(section, kind, name, at)
  }

  private global(section: CstSection, at: Location): void {
    let g = this.model.global
    if (g === undefined) {
      g = {file: at.file, line: at.line, column: at.column, daemon: false, statsSockets: [], logs: [], directives: []}
      this.model.global = g
      this.model.sections.push({type: 'global', global: g})
    }
    const global = g
    this.walk(section, 'global', '', true, (d) => {
      global.directives.push(d)
      const a = d.args
      switch (d.keyword) {
        case 'maxconn':
          global.maxconn = atoi(a[0])
          break
        case 'ulimit-n':
          global.ulimitN = atoi(a[0])
          break
        case 'nbthread':
          global.nbthread = atoi(a[0])
          break
        case 'user':
          global.user = a[0]
          break
        case 'group':
          global.group = a[0]
          break
        case 'uid':
          global.uid = atoi(a[0])
          break
        case 'gid':
          global.gid = atoi(a[0])
          break
        case 'daemon':
          global.daemon = true
          break
        case 'chroot':
          global.chroot = a[0]
          break
        case 'pidfile':
          global.pidfile = a[0]
          break
        case 'log':
          global.logs.push(d)
          break
        case 'stats socket':
          global.statsSockets.push({address: a[1] ?? '', options: a.slice(2), location: d})
          break
        case 'stats timeout': {
          const t = parseTime(a[1] ?? '')
          if (t.ok) global.statsTimeoutMs = t.value
          break
        }
      }
    })
  }

  private other(section: CstSection, kind: OtherSection['kind'], name: string, at: Location): void {
    const o: OtherSection = {file: at.file, line: at.line, column: at.column, kind, name, directives: []}
    this.model.others.push(o)
    this.model.sections.push({type: 'other', other: o})
    const users: UserlistUser[] = kind === 'userlist' ? (this.model.userlists.get(name) ?? []) : []
    if (kind === 'userlist') this.model.userlists.set(name, users)
    this.walk(section, kind, name, true, (d) => {
      o.directives.push(d)
      if (kind === 'userlist' && d.keyword === 'user') {
        const u: UserlistUser = {file: d.file, line: d.line, column: d.column, name: d.args[0] ?? '', insecure: false, groups: []}
        for (let i = 1; i < d.args.length; i += 2) {
          const opt = d.args[i]
          const v = d.args[i + 1] ?? ''
          if (opt === 'password' || opt === 'insecure-password') {
            u.password = v
            u.insecure = opt === 'insecure-password'
          } else if (opt === 'groups') u.groups = v.split(',')
        }
        users.push(u)
      }
    })
  }

  private proxy(section: CstSection, kind: ProxyKind, name: string, from: string | undefined, at: Location): void {
    // Explicit fields rather than `...at`: V8 builds a spread literal on a slow path.
    const p: Proxy = {
      file: at.file,
      line: at.line,
      column: at.column,
      kind,
      name,
      // Shared empty lists (most proxies of a big config have no bind, ACL, rule...): see append.
      binds: NONE,
      servers: [],
      defaultServer: NO_ENTRIES,
      acls: NONE,
      useBackends: NONE,
      rules: NONE,
      options: NO_ENTRIES,
      timeouts: NO_ENTRIES,
      stats: NO_STATS,
      logs: NONE,
      directives: [],
      effective: UNRESOLVED,
    }
    if (from !== undefined) p.from = from
    // Which defaults it inherits from is fixed now: the named one (declared earlier) or the last one so far.
    let parent: Proxy | undefined
    if (from !== undefined) {
      parent = this.defaultsOrder.find((d) => d.name === from)
      const header = section.header as CstLine
      if (parent === undefined) {
        this.report('error', 'haproxy/undefined-defaults', section.file, header, header.words[3], `${kind} '${name}' : unable to find defaults section '${from}'.`, ['declare `defaults ' + from + '` before this section'])
      }
    } else if (kind !== 'defaults') {
      parent = this.defaultsOrder[this.defaultsOrder.length - 1]
    }
    this.inheritsFrom.set(p, parent)

    this.declared = undefined
    this.proxyRead = p
    const named = kind !== 'defaults' || name !== ''
    this.walk(section, kind, name, named, this.acceptProxyDirective)

    if (kind === 'defaults') {
      this.model.defaults.push(p)
      this.defaultsOrder.push(p)
    } else {
      this.model.proxies.push(p)
      if (kind === 'frontend') this.model.frontends.push(p)
      else if (kind === 'backend') this.model.backends.push(p)
      else this.model.listens.push(p)
    }
    this.model.sections.push({type: 'proxy', proxy: p})
  }

  /** Records one accepted proxy directive into the model, checking the conditions it carries. */
  private proxyDirective(p: Proxy, d: Directive, words: Word[]): void {
    p.directives.push(d)
    const first = d.name
    if (first === 'server') {
      // Through the words: reading d.args would make the argument array every server line can do without.
      p.servers.push(toServer(d, words, 3))
      return
    }
    // ACL and use_backend lines too go through the words: thousands of generated ones need no args array.
    if (first === 'acl') return this.acl(p, d, words)
    if (first === 'use_backend') return this.useBackend(p, d, words)
    const a = d.args
    switch (first) {
      case 'mode':
        if (a[0] === 'http' || a[0] === 'tcp') p.mode = a[0]
        break
      case 'balance': {
        const m = /^([a-z_-]+)(?:\((.*)\))?$/.exec(a[0] ?? '')
        p.balance = {file: d.file, line: d.line, column: d.column, algorithm: m?.[1] ?? (a[0] ?? ''), args: [...(m?.[2] ? [m[2]] : []), ...a.slice(1)]}
        break
      }
      case 'timeout': {
        const t = parseTime(a[1] ?? '')
        if (t.ok && a[0] !== undefined) (p.timeouts = own(p.timeouts))[a[0]] = {file: d.file, line: d.line, column: d.column, ms: t.value}
        break
      }
      case 'option': {
        const optName = a[0]
        if (optName !== undefined) (p.options = own(p.options))[optName] = {file: d.file, line: d.line, column: d.column, enabled: d.prefix !== 'no', args: a.slice(1)}
        break
      }
      case 'maxconn':
        p.maxconn = atoi(a[0])
        break
      case 'retries':
        p.retries = atoi(a[0])
        break
      case 'log':
        if (d.prefix === 'no') {
          p.logs = []
          this.noLog.add(p)
        } else p.logs = append(p.logs, d)
        break
      case 'cookie': {
        const opts = a.slice(1)
        const mode = opts.includes('insert') ? 'insert' : opts.includes('prefix') ? 'prefix' : opts.includes('rewrite') ? 'rewrite' : 'passive'
        p.cookie = {file: d.file, line: d.line, column: d.column, name: a[0] ?? '', options: opts, mode}
        break
      }
      case 'bind':
        p.binds = append(p.binds, toBind(d))
        break
      case 'server-template': {
        const range = (a[1] ?? '1').split('-').map(Number)
        p.servers.push(toServer(d, words, 4, {prefix: a[0] ?? '', count: range.length === 2 ? (range[1] ?? 0) - (range[0] ?? 0) + 1 : (range[0] ?? 1)}))
        break
      }
      case 'default-server':
        Object.assign((p.defaultServer = own(p.defaultServer)), readOptions(a, 0, 'server'))
        break
      case 'default_backend':
        p.defaultBackend = {name: a[0] ?? '', location: loc(d.file, d.line, d.column)}
        break
      case 'http-request':
      case 'http-response':
      case 'http-after-response':
      case 'tcp-request':
      case 'tcp-response': {
        if (first.startsWith('tcp-') && a[0] === 'inspect-delay') break
        const set = (first.startsWith('tcp-') ? `${first} ${a[0] ?? ''}` : first) as RuleSet
        const actionIndex = first.startsWith('tcp-') ? 2 : 1
        const c = conditionIndex(words, actionIndex + 1)
        const action = words[actionIndex]?.value ?? ''
        const rule: Proxy['rules'][number] = {file: d.file, line: d.line, column: d.column, set, action, args: words.slice(actionIndex + 1, c === -1 ? undefined : c).map((w) => w.value), directive: d}
        if (c !== -1) {
          const cond = this.condition(p, d, words, c, `an '${first} ${action}' condition`)
          if (cond) rule.condition = cond
        }
        p.rules = append(p.rules, rule)
        break
      }
      case 'stats':
        this.stats(p, d, words)
        break
      case 'redirect':
      case 'monitor':
      case 'use-server':
      case 'force-persist':
      case 'ignore-persist':
      case 'stick': {
        const c = conditionIndex(words, 1)
        if (c !== -1) this.condition(p, d, words, c, `an '${first}' condition`)
        break
      }
    }
  }

  private acl(p: Proxy, d: Directive, words: Word[]): void {
    const name = words[1]?.value
    if (name === undefined) return
    ;(this.declared ??= new Set()).add(name)
    p.acls = append(p.acls, {file: d.file, line: d.line, column: d.column, name, criterion: words[2]?.value ?? '', args: wordValues(words, 3), directive: d})
  }

  private useBackend(p: Proxy, d: Directive, words: Word[]): void {
    const c = conditionIndex(words, 2)
    const sw: Proxy['useBackends'][number] = {file: d.file, line: d.line, column: d.column, backend: words[1]?.value ?? '', directive: d}
    if (c !== -1) {
      const cond = this.condition(p, d, words, c, 'switching rule')
      if (cond) sw.condition = cond
    }
    p.useBackends = append(p.useBackends, sw)
  }

  private stats(p: Proxy, d: Directive, words: Word[]): void {
    const a = d.args
    const st = p.stats === NO_STATS ? (p.stats = emptyStats()) : p.stats
    switch (a[0]) {
      case 'enable':
        st.enabled = true
        break
      case 'uri':
        st.enabled = true
        st.uri = a[1]
        break
      case 'realm':
        st.enabled = true
        st.realm = a[1]
        break
      case 'auth': {
        st.enabled = true
        const pair = a[1] ?? ''
        const colon = pair.indexOf(':')
        st.auth.push({user: colon === -1 ? pair : pair.slice(0, colon), password: colon === -1 ? '' : pair.slice(colon + 1), location: d})
        break
      }
      case 'refresh': {
        st.enabled = true
        const t = parseTime(a[1] ?? '', 1000)
        if (t.ok) st.refreshMs = t.value
        break
      }
      case 'scope':
        st.enabled = true
        if (a[1] !== undefined) st.scope.push(a[1])
        break
      case 'hide-version':
        st.enabled = true
        st.hideVersion = true
        break
      case 'admin': {
        const c = conditionIndex(words, 2)
        if (c !== -1) {
          const cond = this.condition(p, d, words, c, "a 'stats admin' rule")
          if (cond) st.admin = cond
        }
        break
      }
      default:
        if (a[0] !== undefined) st.enabled = true
    }
  }

  /** Parses a condition, checks its ACL names exist (declared above in this proxy) and its anonymous ACLs. */
  private condition(p: Proxy, d: Directive, words: Word[], start: number, label: string): Condition | undefined {
    const parsed = parseCondition(words, start)
    if ('error' in parsed) {
      this.report('error', 'haproxy/invalid-condition', d.file, d.cst, parsed.word, `error detected while parsing ${label} : ${parsed.error}.`)
      return undefined
    }
    // Most conditions name ACLs only: the keyword context is made for the first anonymous one.
    let ctx: KeywordContext | undefined
    const aclNames: string[] = []
    for (const group of parsed.terms) {
      for (const term of group) {
        if (term.anonymous) {
          checkAclExpression((ctx ??= this.context(d.cst, p.kind, p.name, words)), term.anonymous, label)
          continue
        }
        const name = term.name as string
        aclNames.push(name)
        if (this.declared?.has(name) !== true && !PREDEFINED_ACLS.has(name)) {
          this.report('error', 'haproxy/undefined-acl', d.file, d.cst, term.word, `error detected while parsing ${label} : no such ACL : '${name}'.`, [
            `declare it above this line in ${p.kind} '${p.name}': acl ${name} <criterion> <pattern>`,
          ])
        }
      }
    }
    return {kind: parsed.kind, text: joinValues(words, start + 1), aclNames, parsed: parsed as ParsedCondition}
  }

  /** Checks each directive line of a section with its spec and hands accepted ones to `accept`. */
  private walk(section: CstSection, kind: SectionKind, name: string, named: boolean, accept: (d: Directive, words: Word[]) => void): void {
    const current: {line: CstLine | undefined} = {line: undefined}
    const ctx: KeywordContext = {
      file: section.file,
      lineNo: 0,
      section: kind,
      sectionName: name,
      words: [],
      lineText: '',
      where: '',
      report: (severity, code, message, at, suggestions = []) => {
        const line = current.line as CstLine
        const word = typeof at === 'number' ? ctx.words[at] : at
        this.report(severity, code, line.file, line, word ?? ctx.words[0], message, suggestions)
      },
    }
    const walk: SectionWalk = {kind, named, accept, ctx, current}
    const body = section.body
    if (kind === 'backend' || kind === 'listen') {
      this.walkServerSection(body, walk)
      return
    }
    for (let li = 0; li < body.length; li++) {
      const line = body[li] as CstLine
      if (isDirectiveLine(line)) this.readLine(line, walk)
    }
  }

  /**
   * walk's loop for a section that can have servers, with the known-server-line shortcut. A loop of its own:
   * V8 optimizes a loop while it runs (a frontend of thousands of lines), and code optimized before the
   * first server line was thrown away there; this one is first run, and optimized, on backends.
   */
  private walkServerSection(body: CstLine[], walk: SectionWalk): void {
    for (let li = 0; li < body.length; li++) {
      const line = body[li] as CstLine
      if (isDirectiveLine(line) && !this.knownServerLine(line)) this.readLine(line, walk)
    }
  }

  /** Checks one directive line with its keyword's spec and hands it to the walk's `accept` if accepted. */
  private readLine(line: CstLine, walk: SectionWalk): void {
    const {kind, ctx, current} = walk
    // Read once: a plain line splits its text on each read (see cst.ts).
    let words = line.words
    let prefix: 'no' | 'default' | undefined
    const head = words[0]?.value
    if ((head === 'no' || head === 'default') && words.length > 1) {
      prefix = head
      words = words.slice(1)
    }
    const keywordWord = words[0] as Word
    const s = lookupKeyword(kind, keywordWord.value)
    if (s === undefined) {
      this.unknown(line, kind, words)
      return
    }
    if (prefix !== undefined && !(s.name === 'option' || s.name === 'log')) {
      this.report('error', 'haproxy/invalid-prefix', line.file, line, line.words[0], `'${prefix}' prefix is not supported for keyword '${s.name}'.`)
      return
    }
    // One reusable context per section: allocating one per line dominates on 20,000-server configs.
    current.line = line
    ctx.file = line.file
    ctx.lineNo = line.line
    ctx.words = words
    ctx.lineText = line.text
    ctx.where = ''
    if (prefix !== undefined) ctx.prefix = prefix
    else if (ctx.prefix !== undefined) delete ctx.prefix // a delete is a slow runtime call: only when set
    if (!checkDirective(s, ctx, walk.named)) return
    walk.accept(toDirective(line, words, prefix), words)
  }

  /**
   * Reads a `server` line of a backend or listen whose option text was checked and modelled before (on an
   * earlier server line): it then needs its first three words only, and the checks of the usual path would
   * report nothing (the keyword is in place, a valid address, options known good). A generated config's
   * servers are most of its lines, and splitting each one's options into words again was a tenth of
   * validating it. False for any other line, which walk reads as usual.
   */
  private knownServerLine(line: CstLine): boolean {
    const head = plainServerHead(line)
    if (head === undefined || !checkedServerOptions(head.options)) return false
    const options = sharedOptionsOf(head.options)
    const family = options === undefined ? undefined : serverAddressFamily(head.address)
    if (options === undefined || family === undefined || invalidNameChar(head.name) !== undefined) return false
    const p = this.proxyRead as Proxy
    const d = acceptDirective(line, 'server', undefined)
    p.directives.push(d)
    p.servers.push(knownServer(d, head.name, family, options))
    return true
  }

  private context(line: CstLine, kind: SectionKind, name: string, words: Word[]): KeywordContext {
    return {
      file: line.file,
      lineNo: line.line,
      section: kind,
      sectionName: name,
      words,
      lineText: line.text,
      where: `parsing [${line.file}:${line.line}] :`,
      report: (severity, code, message, at, suggestions = []) => {
        const word = typeof at === 'number' ? words[at] : at
        this.report(severity, code, line.file, line, word ?? words[0], message, suggestions)
      },
    }
  }

  private unknown(line: CstLine, kind: SectionKind | 'none', words = line.words): void {
    const w = words[0] as Word
    const {message, suggestions} = unknownKeyword(kind, w.value)
    this.report('error', 'haproxy/unknown-keyword', line.file, line, w, message, suggestions)
  }

  report(severity: Severity, code: string, file: string, line: CstLine, word: Word | undefined, message: string, suggestions: string[] = []): void {
    const column = word?.column ?? 1
    const endColumn = word?.endColumn ?? line.text.length + 1
    this.diagnostics.push(diagnostic(code, severity, file, {line: line.line, column, endLine: line.line, endColumn: Math.max(endColumn, column + 1)}, message, suggestions))
  }

  /** Fills every proxy's `effective` settings from its defaults chain. */
  resolveInheritance(): void {
    const done = new Set<Proxy>()
    const resolve = (p: Proxy, depth: number): InheritedSettings => {
      if (done.has(p) || depth > 32) return p.effective
      const parent = this.inheritsFrom.get(p)
      const base: InheritedSettings = parent ? resolve(parent, depth + 1) : {mode: 'tcp', timeouts: {}, options: {}, defaultServer: {}, stats: emptyStats()}
      const e: InheritedSettings = {
        mode: p.mode ?? base.mode,
        timeouts: inherited(base.timeouts, p.timeouts),
        options: inherited(base.options, p.options),
        defaultServer: inherited(base.defaultServer, p.defaultServer),
        stats: p.stats.enabled || p.stats.auth.length > 0 ? p.stats : base.stats,
      }
      const balance = p.balance ?? base.balance
      if (balance) e.balance = balance
      const maxconn = p.maxconn ?? base.maxconn
      if (maxconn !== undefined) e.maxconn = maxconn
      const retries = p.retries ?? base.retries
      if (retries !== undefined) e.retries = retries
      const log = p.logs.length > 0 || this.noLog.has(p) ? p.logs : base.log
      if (log !== undefined) e.log = log
      const cookie = p.cookie ?? base.cookie
      if (cookie) e.cookie = cookie
      const defaultBackend = p.defaultBackend?.name ?? base.defaultBackend
      if (defaultBackend !== undefined) e.defaultBackend = defaultBackend
      p.effective = e
      if (parent) p.inheritsFrom = parent
      done.add(p)
      return e
    }
    for (let di = 0; di < this.model.defaults.length; di++) {
      const d = this.model.defaults[di] as Proxy
      resolve(d, 0)
    }
    for (let pi = 0; pi < this.model.proxies.length; pi++) {
      const p = this.model.proxies[pi] as Proxy
      resolve(p, 0)
      // Servers pick up default-server settings from the defaults chain too (most configs have none).
      const defaults = p.effective.defaultServer
      const hasDefaults = Object.keys(defaults).length > 0
      const servers = p.servers
      for (let si = 0; si < servers.length; si++) applyServerDefaults(servers[si] as Proxy['servers'][number], hasDefaults ? defaults : undefined)
    }
  }
}

/**
 * `{...base, ...own}`, or one of them itself when the other is empty: thousands of backends inherit the
 * same timeouts and set none (nothing changes these records once the model is built).
 */
function inherited<T>(base: Record<string, T>, own: Record<string, T>): Record<string, T> {
  if (isEmpty(own)) return base
  return isEmpty(base) ? own : merged(base, own)
}

function isEmpty(record: object): boolean {
  for (const _ in record) return false
  return true
}

/** A directive line HAProxy reads (it has words: a line's kind is 'directive' only then). */
function isDirectiveLine(line: CstLine): boolean {
  return line.kind === 'directive' && line.active && line.errors.length === 0
}

function readOptions(args: string[], from: number, kind: 'server' | 'bind'): Record<string, string | true> {
  const counts = kind === 'server' ? SERVER_ARG_COUNTS : BIND_ARG_COUNTS
  const out: Record<string, string | true> = {}
  for (let i = from; i < args.length; i++) {
    const name = args[i] as string
    const n = counts[name] ?? 0
    out[name] = n > 0 ? (args[i + 1] ?? '') : true
    i += n
  }
  return out
}

function toBind(d: Directive): Bind {
  const addresses = (d.args[0] ?? '').split(',').filter((t) => t !== '').flatMap((text) => {
    const parsed = parseSocketAddress(text, {who: 'bind', bind: true})
    if (!parsed.ok) return []
    const v = parsed.value
    return [{text, family: v.family, host: v.host === '*' ? '' : v.host, ...(v.port !== undefined ? {port: v.port} : {}), ...(v.portEnd !== undefined ? {portEnd: v.portEnd} : {})}]
  })
  const options: Record<string, string | true> = {}
  const certificates: string[] = []
  for (let i = 1; i < d.args.length; i++) {
    const name = d.args[i] as string
    const n = BIND_ARG_COUNTS[name] ?? 0
    const value = n > 0 ? (d.args[i + 1] ?? '') : true
    options[name] = value
    if (name === 'crt' && typeof value === 'string') certificates.push(value)
    i += n
  }
  const b: Bind = {file: d.file, line: d.line, column: d.column, addresses, options, ssl: options.ssl === true, certificates, transparent: options.transparent === true, directive: d}
  if (typeof options.name === 'string') b.name = options.name
  if (typeof options.maxconn === 'string') b.maxconn = atoi(options.maxconn)
  return b
}
