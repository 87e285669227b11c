/** What an ACL can look at in one HTTP request: the head, the connection's addresses, backend states. */
export interface AclHeaders {
  readonly length: number
  name(i: number): string
  value(i: number): string
}

/** A user proved by the Authorization header against a userlist. */
export interface AuthenticatedUser {
  user: string
  groups: readonly string[]
}

export interface AclRequest {
  method: string
  /** The request target as received (origin-form `/p?q`, absolute-form, or `*`). */
  target: string
  version: string
  /** The headers of the message being processed: the request's, or the response's in http-response rules. */
  headers: AclHeaders
  /** The client's address as HAProxy shows it (`1.2.3.4`, `::1`). */
  src: string
  /** The local port the connection arrived on. */
  dstPort: number
  /** Usable servers of a backend, as `nbsrv(BACKEND)` counts them; undefined when it does not exist. */
  nbsrv(backend: string): number
  /** `ssl_fc`: the connection arrived over TLS (false when absent). */
  ssl?: boolean
  /** `src_port`. */
  srcPort?: number
  /** `http_auth(L)` / `http_auth_group(L)`: the user the Authorization header proves in userlist L. */
  authenticate?(userlist: string): AuthenticatedUser | undefined
  /** In http-response rules: the response status, and the request headers (`req.hdr`). */
  status?: number
  requestHeaders?: AclHeaders
  /** `set-var(txn.x)` values of the transaction, by full name (`txn.x`). */
  vars?: ReadonlyMap<string, string>
}
