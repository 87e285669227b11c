import {execFileSync} from 'node:child_process'
import {networkInterfaces} from 'node:os'
import {afterAll, describe, expect, it} from 'vitest'
import {systemInterfaceAddress} from '../../../src/engine/vrrp/interface-address.js'
import {requireRoot} from '../../helpers/oracles.js'

const hasRoot = requireRoot()
const name = `lbia${process.pid % 100000}`

describe.skipIf(!hasRoot)('systemInterfaceAddress', () => {
  afterAll(() => {
    try {
      execFileSync('ip', ['link', 'del', name], {stdio: 'ignore'})
    } catch {
      // already gone
    }
  })

  it('finds the primary IPv4 address of an interface without carrier, which Node does not list', () => {
    execFileSync('ip', ['link', 'add', name, 'type', 'veth', 'peer', 'name', `${name}p`])
    execFileSync('ip', ['addr', 'add', '198.18.77.1/24', 'dev', name])
    execFileSync('ip', ['addr', 'add', '198.18.77.9/24', 'dev', name])
    execFileSync('ip', ['link', 'set', name, 'up'])
    // The peer is down: the link is UP but not RUNNING.
    expect(networkInterfaces()[name]).toBeUndefined()
    expect(systemInterfaceAddress(name, 4)).toBe('198.18.77.1')
    expect(systemInterfaceAddress(`${name}-none`, 4)).toBeUndefined()
  })
})
