/**
 * The few ANSI styles the diagnostic renderer needs. The config parsers load the renderer, and
 * chalk costs about 10 ms of start-up on every `lbctl validate`; these are the same 16-colour codes.
 */
export type Paint = (text: string) => string

export interface Palette {
  bold: Paint
  dim: Paint
  green: Paint
  redBold: Paint
  yellowBold: Paint
  cyanBold: Paint
}

const style = (open: number, close: number): Paint => (text) => `\u001B[${open}m${text}\u001B[${close}m`
const both = (outer: Paint, inner: Paint): Paint => (text) => outer(inner(text))
const plain: Paint = (text) => text

const bold = style(1, 22)
const COLORED: Palette = {
  bold,
  dim: style(2, 22),
  green: style(32, 39),
  redBold: both(style(31, 39), bold),
  yellowBold: both(style(33, 39), bold),
  cyanBold: both(style(36, 39), bold),
}
const PLAIN: Palette = {bold: plain, dim: plain, green: plain, redBold: plain, yellowBold: plain, cyanBold: plain}

export function palette(color: boolean): Palette {
  return color ? COLORED : PLAIN
}
