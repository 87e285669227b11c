/** ACL expressions and requests shared by the unit table and the comparison with real haproxy. */
import type {AclRequest} from '../../../src/engine/proxy/acl/index.js'

export interface CaseRequest {
  /** `METHOD TARGET VERSION` */
  line: string
  headers?: [string, string][]
}

export function aclRequest(r: CaseRequest, extra: Partial<AclRequest> = {}): AclRequest {
  const [method = '', target = '', version = 'HTTP/1.1'] = r.line.split(' ')
  const headers = r.headers ?? []
  return {
    method,
    target,
    version,
    headers: {length: headers.length, name: (i) => headers[i]![0], value: (i) => headers[i]![1]},
    src: '127.0.0.1',
    dstPort: 8080,
    nbsrv: () => 0,
    ...extra,
  }
}

export const REQUESTS: Record<string, CaseRequest> = {
  plain: {line: 'GET /a/b?flag&v=2 HTTP/1.1', headers: [['Host', 'www.x.com:80'], ['X-A', 'a, b'], ['X-A', 'c'], ['X-N', '7']]},
  lower: {line: 'get /x/y.JPG?flag=&v=1&v=2 HTTP/1.1', headers: [['Host', 'WWW.X.COM'], ['X-A', 'a,b,c'], ['X-N', '5x']]},
  absolute: {line: 'GET http://h/a?q HTTP/1.1', headers: [['Host', 'h']]},
  star: {line: 'OPTIONS * HTTP/1.1', headers: [['Host', 'h'], ['X-A', '']]},
  post: {line: 'POST /api/v1/items HTTP/1.0', headers: [['Host', 'api.example.org'], ['Content-Length', '3']]},
}

/** [expression, names of the REQUESTS it matches] */
export const CASES: [string, string[]][] = [
  ['path /a/b', ['plain']],
  ['path -i /X/Y.jpg', ['lower']],
  ['path /a', ['absolute']],
  ['path -m found', ['plain', 'lower', 'absolute', 'post']],
  ['path_beg /a', ['plain', 'absolute', 'post']],
  ['path_beg /x /api', ['lower', 'post']],
  ['path_end .jpg', []],
  ['path_end -i .jpg', ['lower']],
  ['path_sub /v1/', ['post']],
  ['path_dir /', []],
  ['path_dir /a/', ['plain', 'absolute']],
  ['path_dir b/', ['plain']],
  ['path_dir v1/items', ['post']],
  ['path_dom a', ['plain', 'absolute']],
  ['path_reg ^/A', []],
  ['path_reg -i ^/A', ['plain', 'absolute', 'post']],
  ['path_reg \\.(jpg|png)$', []],
  ['path_len gt 7', ['lower', 'post']],
  ['url /a/b?flag&v=2', ['plain']],
  ['url_beg http://', ['absolute']],
  ['url_sub flag', ['plain', 'lower']],
  ['url_dir x', ['lower']],
  ['url_end v=2', ['plain', 'lower']],
  ['url_param(flag) -m found', ['lower']],
  ['url_param(v) 2', ['plain', 'lower']],
  ['url_param(v) 1', ['lower']],
  ['urlp(v) -m int gt 1', ['plain', 'lower']],
  ['hdr(host) www.x.com', []],
  ['hdr(host) www.x.com:80', ['plain']],
  ['hdr(host) -i www.x.com', ['lower']],
  ['req.hdr(host) -m beg www.x', ['plain']],
  ['req.hdr(host),lower -m beg www.x', ['plain', 'lower']],
  ['hdr_beg(host) www.x.com', ['plain']],
  ['hdr_end(host) .org', ['post']],
  ['hdr_sub(host) -i x.c', ['plain', 'lower']],
  ['hdr_dom(host) x.com', ['plain']],
  ['hdr_dom(host) -i x.com', ['plain', 'lower']],
  ['hdr_dom(host) www', ['plain']],
  ['hdr_dom(host) example.org', ['post']],
  ['hdr_reg(host) ^api\\.', ['post']],
  ['hdr(x-a) b', ['plain', 'lower']],
  ['hdr(x-a) -m found', ['plain', 'lower', 'star']],
  ['hdr(x-a,1) a', ['plain', 'lower']],
  ['hdr(x-a,-1) c', ['plain', 'lower']],
  ['hdr_cnt(x-a) eq 3', ['plain', 'lower']],
  ['hdr_cnt(x-a) 1:2', ['star']],
  ['hdr_cnt(x-a) lt 1', ['absolute', 'post']],
  ['hdr_cnt(host) gt 1', []],
  ['hdr_val(x-n) gt 5', ['plain']],
  ['hdr_val(x-n) ge 5', ['plain', 'lower']],
  ['hdr_val(content-length) 3', ['post']],
  ['method GET', ['plain', 'absolute']],
  ['method get', ['lower']],
  ['method -i get', ['lower']],
  ['method GET POST', ['plain', 'absolute', 'post']],
  ['method -m str OPTIONS', ['star']],
  ['src 127.0.0.1', ['plain', 'lower', 'absolute', 'star', 'post']],
  ['src 127.0.0.0/8', ['plain', 'lower', 'absolute', 'star', 'post']],
  ['src 10.0.0.0/8 192.168.0.0/255.255.0.0', []],
  ['src -m found', ['plain', 'lower', 'absolute', 'star', 'post']],
]
