// The small part of blessed and blessed-contrib that lbctl dash uses (neither ships typings).
declare module 'blessed' {
  export interface Element {
    setLabel(label: string): void
    setContent(content: string): void
    style: {border?: {fg?: string}; [key: string]: unknown}
    height: number | string
    width: number | string
  }
  export interface Screen {
    key(keys: string[], handler: () => void): void
    on(event: 'resize', handler: () => void): void
    render(): void
    destroy(): void
    width: number
    height: number
  }
  interface Blessed {
    screen(options: {smartCSR?: boolean; title?: string; fullUnicode?: boolean; warnings?: boolean; dockBorders?: boolean}): Screen
    box: unknown
  }
  const blessed: Blessed
  export default blessed
}

declare module 'blessed-contrib' {
  import type {Element, Screen} from 'blessed'
  export interface LineSeries {
    title: string
    x: string[]
    y: number[]
    style?: {line?: string}
  }
  export interface LineChart extends Element {
    setData(series: LineSeries[]): void
  }
  export interface BarChart extends Element {
    setData(data: {titles: string[]; data: number[]}): void
  }
  export interface Table extends Element {
    setData(data: {headers: string[]; data: string[][]}): void
    /** The options it was created with; setData reads columnWidth from here on every call. */
    options: {columnWidth: number[]}
  }
  export interface Grid {
    set<T = Element>(row: number, col: number, rowSpan: number, colSpan: number, widget: unknown, options: Record<string, unknown>): T
  }
  interface Contrib {
    grid: new (options: {rows: number; cols: number; screen: Screen}) => Grid
    line: unknown
    bar: unknown
    table: unknown
  }
  const contrib: Contrib
  export default contrib
}
