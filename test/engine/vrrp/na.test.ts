import {describe, expect, it} from 'vitest'
import {neighborAdvertisement} from '../../../src/engine/vrrp/vip/na.js'

describe('neighborAdvertisement', () => {
  it('builds an unsolicited NA: type 136, Override only, the VIP as target, our MAC in a target link-layer option', () => {
    const message = neighborAdvertisement('fd00:198:18::100', Uint8Array.from([0x02, 0x11, 0x22, 0x33, 0x44, 0x55]))
    expect(Buffer.from(message).toString('hex')).toBe(
      ['88', '00', '0000', '20000000', 'fd000198001800000000000000000100', '02', '01', '021122334455'].join(''),
    )
  })

  it('refuses a target that is not IPv6', () => {
    expect(() => neighborAdvertisement('198.18.0.1', new Uint8Array(6))).toThrow('not an IPv6 address')
  })
})
