import {readFileSync} from 'node:fs'

/** Real answers captured from HAProxy 2.6.12 (test/helpers/haproxy.ts lab, backend app with web1/web2). */
export function fixture(name: string): string {
  return readFileSync(new URL(`./fixtures/haproxy-2.6/${name}`, import.meta.url), 'utf8')
}
