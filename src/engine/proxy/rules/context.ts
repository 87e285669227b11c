/** The message the rules of one transaction look at and edit: request line, headers, connection facts. */
import type {AclHeaders, AclRequest, AuthenticatedUser} from '../acl/index.js'
import {HeaderList, type RequestHead} from '../http1/index.js'
import type {Userlist} from './userlist.js'

export interface ConnectionFacts {
  src: string
  srcPort: number
  dstPort: number
  ssl: boolean
  nbsrv(backend: string): number
}

const NO_USERLISTS: ReadonlyMap<string, Userlist> = new Map()

export class RequestContext implements AclRequest {
  method: string
  target: string
  readonly version: string
  readonly headers: HeaderList
  readonly src: string
  readonly srcPort: number
  readonly dstPort: number
  readonly ssl: boolean
  readonly nbsrv: (backend: string) => number
  /** A rule changed the request line or headers: the server gets `headers`, not the received bytes. */
  edited = false
  /** `set-var(txn.x)` / `set-var(req.x)` values, shared with the response view. */
  readonly vars = new Map<string, string>()
  private auth: Map<string, AuthenticatedUser | undefined> | undefined

  constructor(
    request: RequestHead,
    conn: ConnectionFacts,
    private readonly userlists: ReadonlyMap<string, Userlist> = NO_USERLISTS,
  ) {
    this.method = request.method
    this.target = request.target
    this.version = request.version
    this.headers = HeaderList.fromRaw(request.headers, {dropContentLength: request.dropContentLength})
    this.src = conn.src
    this.srcPort = conn.srcPort
    this.dstPort = conn.dstPort
    this.ssl = conn.ssl
    this.nbsrv = conn.nbsrv
  }

  /** The user proved by the Authorization header in a userlist (checked once per transaction and list). */
  authenticate(userlist: string): AuthenticatedUser | undefined {
    this.auth ??= new Map()
    if (this.auth.has(userlist)) return this.auth.get(userlist)
    const user = this.userlists.get(userlist)?.authenticate(this.headers.get('authorization'))
    this.auth.set(userlist, user)
    return user
  }

  /** The view http-response rules have: the response's headers and status, the request's line. */
  responseView(status: number, headers: HeaderList): ResponseView {
    return new ResponseView(this, status, headers)
  }
}

export class ResponseView implements AclRequest {
  readonly method: string
  readonly target: string
  readonly version: string
  readonly src: string
  readonly srcPort: number
  readonly dstPort: number
  readonly ssl: boolean
  readonly nbsrv: (backend: string) => number
  readonly requestHeaders: AclHeaders
  readonly vars: Map<string, string>
  /** A rule changed the status or headers. */
  edited = false
  reason: string | undefined

  constructor(
    request: RequestContext,
    public status: number,
    readonly headers: HeaderList,
  ) {
    this.method = request.method
    // Request-only samples (path, url...) find nothing here, as HAProxy's "never match" warning says.
    this.target = ''
    this.version = request.version
    this.src = request.src
    this.srcPort = request.srcPort
    this.dstPort = request.dstPort
    this.ssl = request.ssl
    this.nbsrv = request.nbsrv
    this.requestHeaders = request.headers
    this.vars = request.vars
  }
}
