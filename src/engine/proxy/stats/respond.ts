/**
 * Answers a request for the stats URI the way HAProxy 2.6 does (headers as the real binary sends
 * them): 401 with the realm when credentials are missing or wrong, 303 for a POST (the admin form:
 * applied when `stats admin` allows it, else `;st=DENY`), else the HTML page, `;csv` or `;json`, chunked.
 */
import {encodeChunk, LAST_CHUNK, type RequestHead} from '../http1/index.js'
import {showStat, showStatJson, type StatSource} from '../runtime-api/stat.js'
import {type AdminOutcome, applyAdminForm, MAX_FORM_BYTES} from './admin.js'
import {BasicAuth} from './auth.js'
import {renderStatsPage} from './page.js'
import {matchStatsRequest} from './request.js'
import type {StatsPlan} from './settings.js'

export interface StatsAnswer {
  status: number
  /** Head and body, ready to write. */
  data: Buffer
  /** The client connection closes after it. */
  close: boolean
  /**
   * An admin form to apply: the session collects the request body (at most `MAX_FORM_BYTES`,
   * undefined when larger) and sends the answer this returns instead of `data`.
   */
  form?: (body: Buffer | undefined) => StatsAnswer
}

/** The version the page shows unless `stats hide-version`. */
const VERSION = '2.6-compatible (lbctl bundled engine)'

const UNAUTHORIZED_BODY = '<html><body><h1>401 Unauthorized</h1>\nYou need a valid user and password to access this content.\n</body></html>\n'

/** `stats realm` as it goes inside the quoted header value. */
const quoted = (text: string): string => text.replace(/["\\]/g, '\\$&')

export class StatsResponder {
  private readonly auth: BasicAuth

  constructor(readonly plan: StatsPlan) {
    this.auth = new BasicAuth(plan.auth)
  }

  /** The answer when the request is for the stats page, else undefined (it goes to a backend). */
  answer(request: RequestHead, source: () => StatSource, forceClose: boolean, adminAllowed: () => boolean = () => false): StatsAnswer | undefined {
    const wanted = matchStatsRequest(request.method, request.target, this.plan.uri)
    if (!wanted) return undefined
    const close = forceClose || !request.keepAlive
    if (this.auth.required && !this.auth.accepts(request.headers.get('authorization'))) return this.unauthorized(request)
    if (request.method === 'POST') {
      const back = (outcome: AdminOutcome): StatsAnswer => {
        const head = `HTTP/1.1 303 See Other\r\ncache-control: no-cache\r\ncontent-type: text/plain\r\ncontent-length: 0\r\nlocation: ${this.plan.uri};st=${outcome}\r\n${connectionLine(request, close)}\r\n`
        return {status: 303, data: Buffer.from(head, 'latin1'), close}
      }
      // Without `stats admin` (or when its condition does not match), HAProxy sends the browser back with a "denied" notice.
      if (!this.plan.admin || !adminAllowed()) return back('DENY')
      return {...back('NONE'), form: (body) => back(body === undefined || body.length > MAX_FORM_BYTES ? 'EXCD' : adminForm(body.toString('latin1'), source()))}
    }
    const refresh = this.plan.refreshSeconds !== undefined && !wanted.noRefresh ? `refresh: ${this.plan.refreshSeconds}\r\n` : ''
    const type = wanted.format === 'csv' ? 'text/plain' : wanted.format === 'json' ? 'application/json' : 'text/html'
    const head = request.method === 'HEAD'
      ? `HTTP/1.1 200 OK\r\ncache-control: no-cache\r\ncontent-type: ${type}\r\n${refresh}${connectionLine(request, close)}\r\n`
      : `HTTP/1.1 200 OK\r\ncache-control: no-cache\r\ncontent-type: ${type}\r\n${refresh}${connectionLine(request, close)}transfer-encoding: chunked\r\n\r\n`
    if (request.method === 'HEAD') return {status: 200, data: Buffer.from(head, 'latin1'), close}
    const stats = source()
    const scoped = this.scoped(stats)
    const filter = {hideAddresses: true}
    const body = wanted.format === 'json' ? showStatJson(scoped, filter) : wanted.format === 'csv' ? showStat(scoped, filter) : this.page(showStat(scoped, filter), wanted.noRefresh, stats.now, this.plan.admin !== undefined && adminAllowed(), statusNotice(request.target))
    return {status: 200, data: Buffer.concat([Buffer.from(head, 'latin1'), ...encodeChunk(Buffer.from(body, 'utf8')), LAST_CHUNK]), close}
  }

  private unauthorized(request: RequestHead): StatsAnswer {
    // HAProxy closes the connection after a 401 from the stats page (saying so only to HTTP/1.0 clients).
    const head = `HTTP/1.1 401 Unauthorized\r\ncontent-length: ${UNAUTHORIZED_BODY.length}\r\ncache-control: no-cache\r\ncontent-type: text/html\r\nwww-authenticate: Basic realm="${quoted(this.plan.realm)}"\r\n${request.version === 'HTTP/1.1' ? '' : 'connection: close\r\n'}\r\n`
    return {status: 401, data: Buffer.from(head + UNAUTHORIZED_BODY, 'latin1'), close: true}
  }

  private scoped(source: StatSource): StatSource {
    const scope = this.plan.scope
    if (scope.length === 0) return source
    return {...source, frontends: source.frontends.filter((f) => scope.includes(f.name)), backends: source.backends.filter((b) => scope.includes(b.name))}
  }

  private page(csv: string, noRefresh: boolean, now: number, admin: boolean, notice: string | undefined): string {
    return renderStatsPage(csv, {
      admin,
      ...(notice ? {notice} : {}),
      ...(this.plan.hideVersion ? {} : {version: VERSION}),
      pid: process.pid,
      uri: this.plan.uri,
      ...(this.plan.refreshSeconds !== undefined ? {refreshSeconds: this.plan.refreshSeconds} : {}),
      noRefresh,
      now: new Date(now),
    })
  }
}

const NOTICES: Record<string, string> = {
  DONE: 'Action processed successfully.',
  PART: 'Action not processed for some servers: unknown server.',
  NONE: 'Nothing has changed.',
  ERRP: 'Action not processed because of invalid parameters.',
  EXCD: 'Action not processed: the buffer could not contain all the data.',
  DENY: 'Action denied.',
}

/** The notice after an admin action (`;st=DONE`), as the page shows it. */
function statusNotice(target: string): string | undefined {
  const match = /;st=([A-Z]+)/.exec(target)
  return match ? NOTICES[match[1]!] : undefined
}

function adminForm(body: string, source: StatSource): AdminOutcome {
  return applyAdminForm(body, source.backends, source.setServerAdmin)
}

/** HTTP/1.1 keep-alive needs no header; otherwise the client is told what happens to the connection. */
function connectionLine(request: RequestHead, close: boolean): string {
  if (request.version === 'HTTP/1.1') return close ? 'connection: close\r\n' : ''
  return close ? 'connection: close\r\n' : 'connection: keep-alive\r\n'
}

const responders = new WeakMap<StatsPlan, StatsResponder>()

/** One responder per plan (its credential digests are computed once per configuration). */
export function statsResponder(plan: StatsPlan): StatsResponder {
  let responder = responders.get(plan)
  if (!responder) responders.set(plan, (responder = new StatsResponder(plan)))
  return responder
}
