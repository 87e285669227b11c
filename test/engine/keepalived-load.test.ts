import {describe, expect, it} from 'vitest'
import {checkRunnableKeepalived} from '../../src/engine/keepalived-load.js'
import {parseText} from '../config/keepalived/helpers.js'

const PATH = '/etc/keepalived/keepalived.conf'

function check(body: string): {lines: string[]; error?: string} {
  const text = `vrrp_instance VI_1 {\n  interface lo\n  virtual_router_id 51\n${body}  virtual_ipaddress {\n    127.0.0.100\n  }\n}\n`
  const lines: string[] = []
  try {
    checkRunnableKeepalived({path: PATH, text}, parseText(text, PATH), (line) => lines.push(line))
    return {lines}
  } catch (error) {
    return {lines, error: (error as Error).message}
  }
}

describe('checkRunnableKeepalived: lbctl run is as lenient as the keepalived daemon', () => {
  it('runs past lines the daemon skips (unknown keyword, number out of range), printing them as warnings', () => {
    const {lines, error} = check('  nat_mask 255.255.255.0\n  advert_int 1\n')
    expect(error).toBeUndefined()
    expect(lines.join('\n')).toMatch(/warning\[keepalived\/unknown-keyword\]: Unknown keyword 'nat_mask' \(keepalived skips this line and runs; so does lbctl run\)/)
  })

  it('refuses what the daemon does not run past, naming only those errors', () => {
    const {lines, error} = check('  nat_mask 255.255.255.0\n  priority 300\n')
    expect(error).toBe(`${PATH} has 1 error(s): refusing to run it`)
    expect(lines.join('\n')).toContain('error[keepalived/priority-range]')
    expect(lines.join('\n')).not.toContain('nat_mask')
  })

  it('says nothing for a clean file', () => {
    expect(check('  priority 100\n')).toEqual({lines: []})
  })
})
