// Byte classes as lookup tables (one array read per byte, no regexps on the hot path).

/** RFC 9110 tchar: what a method or a header name may contain. */
export const TCHAR = new Uint8Array(256)
for (const c of "!#$%&'*+-.^_`|~") TCHAR[c.charCodeAt(0)] = 1
for (let c = 0x30; c <= 0x39; c++) TCHAR[c] = 1
for (let c = 0x41; c <= 0x5a; c++) TCHAR[c] = 1
for (let c = 0x61; c <= 0x7a; c++) TCHAR[c] = 1

/** What HAProxy 2.6 lets into a request target by default: visible ASCII except '#'. */
export const URI_CHAR = new Uint8Array(256)
for (let c = 0x21; c <= 0x7e; c++) URI_CHAR[c] = 1
URI_CHAR[0x23] = 0

export const HEX_VALUE = new Int8Array(256).fill(-1)
for (let c = 0; c < 10; c++) HEX_VALUE[0x30 + c] = c
for (let c = 0; c < 6; c++) {
  HEX_VALUE[0x41 + c] = 10 + c
  HEX_VALUE[0x61 + c] = 10 + c
}

export const CR = 0x0d
export const LF = 0x0a
export const SP = 0x20
export const HTAB = 0x09
