/**
 * VRRP timer arithmetic.
 *
 * Units: advertisement intervals are integer centiseconds (cs), the unit of the VRRPv3 field;
 * VRRPv2 intervals are whole seconds, i.e. multiples of 100 cs. Every duration handed to the
 * state machine is integer milliseconds (ms).
 *
 * keepalived computes timers in microseconds (TIMER_HZ = 1 000 000) with integer division:
 *   VRRP_TIMER_SKEW (vrrp.h):  v2: (256 − prio) × 1 000 000 / 256 µs
 *                              v3: (256 − prio) × master_adver_int_cs × 625 / 16 µs
 *   ms_down_timer:             3 × master_adver_int + skew
 * We do the same integer arithmetic in µs, then truncate to whole ms, so our timers fire at most
 * 1 ms before keepalived's would.
 */
import type {VrrpVersion} from './packet.js'

export const DEFAULT_ADVERT_CS = 100

/** Skew_Time in µs, exactly as keepalived's VRRP_TIMER_SKEW. */
export function skewTimeUs(version: VrrpVersion, priority: number, masterAdverIntervalCs: number): number {
  // RFC 3768 §6.1: Skew_Time = (256 − Priority) / 256 seconds.
  if (version === 2) return Math.floor(((256 - priority) * 1_000_000) / 256)
  // RFC 5798 §6.1: Skew_Time = ((256 − Priority) × Master_Adver_Interval) / 256 centiseconds.
  return Math.floor(((256 - priority) * masterAdverIntervalCs * 625) / 16)
}

/** Skew_Time in whole ms. */
export function skewTimeMs(version: VrrpVersion, priority: number, masterAdverIntervalCs: number): number {
  return Math.floor(skewTimeUs(version, priority, masterAdverIntervalCs) / 1000)
}

/** Master_Down_Interval = 3 × Master_Adver_Interval + Skew_Time, in whole ms. */
export function masterDownIntervalMs(version: VrrpVersion, priority: number, masterAdverIntervalCs: number): number {
  return Math.floor((3 * masterAdverIntervalCs * 10_000 + skewTimeUs(version, priority, masterAdverIntervalCs)) / 1000)
}

/**
 * keepalived's shortened first wait for an instance configured `state MASTER` that is not the
 * address owner (vrrp_init_state in vrrp_scheduler.c): one advert interval plus
 * VRRP_TIMER_SKEW_MIN (the skew of priority 255), in whole ms.
 */
export function initialMasterWaitMs(version: VrrpVersion, adverIntervalCs: number): number {
  return Math.floor((adverIntervalCs * 10_000 + skewTimeUs(version, 255, adverIntervalCs)) / 1000)
}

export function centisecondsToMs(cs: number): number {
  return cs * 10
}

export type AdvertIntParse =
  | {ok: true; centiseconds: number; warnings: string[]}
  | {ok: false; message: string; warnings: string[]}

/**
 * Reads `advert_int` the way keepalived 2.2.7 does (vrrp_adv_handler, then vrrp_complete_instance):
 * - a decimal number of seconds, optional `+`, no exponent or hex; more than 6 decimal places are
 *   rounded to 6 ("number '…' has too many decimal places");
 * - must lie in 0.01..255 s after that rounding, otherwise the value is ignored ("Advert interval
 *   (…) not valid! Must be > 0 - ignoring") and the default of 1 s applies;
 * - VRRPv2: fractions are rounded half-up to whole seconds, at least 1 s;
 * - VRRPv3: values of 40.96 s and more become 40.95 s; others are rounded half-up to 10 ms, at
 *   least 10 ms. (keepalived can round 40.955 up to 40.96 s, which does not fit the 12-bit field
 *   and goes on the wire as 0; we clamp that case to 40.95 s too.)
 * Warnings use keepalived's wording.
 */
export function parseAdvertInt(text: string, version: VrrpVersion): AdvertIntParse {
  const warnings: string[] = []
  const match = /^\+?(\d*)(?:\.(\d*))?$/.exec(text.trim())
  if (!match || (match[1] === '' && (match[2] ?? '') === '')) {
    return {ok: false, message: `Advert interval (${text}) not valid! Must be > 0 - ignoring`, warnings: [`invalid number '${text}'`]}
  }
  const whole = BigInt(match[1] || '0')
  let fraction = match[2] ?? ''
  let micro = whole * 1_000_000n
  if (fraction.length > 6) {
    warnings.push(`number '${text}' has too many decimal places`)
    const kept = BigInt(fraction.slice(0, 6))
    const roundUp = Number(fraction[6]) >= 5
    micro += kept + (roundUp ? 1n : 0n)
    fraction = ''
  } else {
    micro += BigInt((fraction + '000000').slice(0, 6))
  }
  if (micro < 10_000n || micro > 255_000_000n) {
    warnings.push(`number '${text}' outside range [0.010000, 255.000000]`)
    return {ok: false, message: `Advert interval (${text}) not valid! Must be > 0 - ignoring`, warnings}
  }
  let us = Number(micro)
  if (version === 2) {
    if (us % 1_000_000 !== 0) {
      warnings.push(`VRRPv2 advertisement interval ${(us / 1_000_000).toFixed(6)}s must be an integer. rounding`)
      us = Math.max(1_000_000, us + 500_000 - ((us + 500_000) % 1_000_000))
    }
    return {ok: true, centiseconds: us / 10_000, warnings}
  }
  if (us >= 4096 * 10_000) {
    warnings.push(`VRRPv3 advertisement interval ${(us / 1_000_000).toFixed(2)}s is out of range. Must be less than 40.96s. Setting to 40.95s`)
    us = 4095 * 10_000
  } else if (us % 10_000 !== 0) {
    warnings.push(`VRRPv3 advertisement interval ${(us / 1_000_000).toFixed(6)}s must be in units of 10ms - rounding`)
    us = Math.min(4095 * 10_000, Math.max(10_000, us + 5_000 - ((us + 5_000) % 10_000)))
  }
  return {ok: true, centiseconds: us / 10_000, warnings}
}

/** Formats centiseconds as keepalived would write advert_int (`1`, `0.1`, `40.95`). */
export function formatAdvertInt(cs: number): string {
  return (cs / 100).toString()
}
