/**
 * An alternating A/B timer (as `hyperfine -N` with two commands, but interleaved): after a
 * warm-up of each side, runs A B A B … so that drift of the machine's speed hits both sides
 * alike, and reports medians, spread and the A/B ratio (of the medians, and the median of the
 * pair-by-pair ratios).
 */
import {arch, cpus, totalmem} from 'node:os'

import type {Sample} from './measure.js'

export interface Side {
  label: string
  run(): Promise<Sample>
  /** Untimed work before each run of this side (e.g. removing the image a pull brings). */
  before?(): Promise<void>
}

export interface Spread {
  median: number
  min: number
  max: number
}

export interface SideSummary {
  label: string
  wallMs: Spread
  cpuMs: Spread
  peakRssMb: Spread
}

export interface Comparison {
  a: SideSummary
  b: SideSummary
  pairs: number
  /** median(A wall) / median(B wall) */
  wallRatio: number
  /** Median of the per-pair A/B wall ratios. */
  pairedWallRatio: number
  cpuRatio: number
}

export function spread(values: number[]): Spread {
  const sorted = [...values].sort((x, y) => x - y)
  const middle = sorted.length >> 1
  const median = sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
  return {max: sorted.at(-1) ?? Number.NaN, median, min: sorted[0] ?? Number.NaN}
}

async function once(side: Side): Promise<Sample> {
  await side.before?.()
  return side.run()
}

function summary(label: string, samples: Sample[]): SideSummary {
  return {
    cpuMs: spread(samples.map((sample) => sample.cpuMs)),
    label,
    peakRssMb: spread(samples.map((sample) => sample.peakRssMb)),
    wallMs: spread(samples.map((sample) => sample.wallMs)),
  }
}

export async function alternate(
  a: Side,
  b: Side,
  {pairs = 10, warmup = 1}: {pairs?: number; warmup?: number} = {},
): Promise<Comparison> {
  for (let i = 0; i < warmup; i++) {
    await once(a)
    await once(b)
  }

  const samples: {a: Sample; b: Sample}[] = []
  for (let i = 0; i < pairs; i++) samples.push({a: await once(a), b: await once(b)})
  const sa = summary(
    a.label,
    samples.map((pair) => pair.a),
  )
  const sb = summary(
    b.label,
    samples.map((pair) => pair.b),
  )
  return {
    a: sa,
    b: sb,
    cpuRatio: sa.cpuMs.median / sb.cpuMs.median,
    pairedWallRatio: spread(samples.map((pair) => pair.a.wallMs / pair.b.wallMs)).median,
    pairs,
    wallRatio: sa.wallMs.median / sb.wallMs.median,
  }
}

/** "2026-11-27, Node v20.20.2, linux x64, 2 cores (…), 23 GiB" */
export function machine(): string {
  const cores = cpus()
  return (
    `${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${process.platform} ${arch()}, ` +
    `${cores.length} cores (${cores[0]?.model.trim() ?? 'unknown'}), ${Math.round(totalmem() / 2 ** 30)} GiB`
  )
}

const seconds = (ms: number) => (ms / 1000).toFixed(3)
const range = (value: Spread, format: (n: number) => string) =>
  `${format(value.median)} (${format(value.min)}–${format(value.max)})`

export const TABLE_HEADER = [
  '| A | B | A wall s, median (min–max) | B wall s, median (min–max) | A/B wall (medians) | ' +
    'A/B wall (median of pairs) | A/B cpu | A cpu s | A peak RSS MiB |',
  '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
].join('\n')

export function tableRow(result: Comparison): string {
  const {a, b} = result
  return (
    `| ${a.label} | ${b.label} | ${range(a.wallMs, seconds)} | ${range(b.wallMs, seconds)} | ` +
    `${result.wallRatio.toFixed(2)} | ${result.pairedWallRatio.toFixed(2)} | ${result.cpuRatio.toFixed(2)} | ` +
    `${seconds(a.cpuMs.median)} | ${a.peakRssMb.median.toFixed(1)} |`
  )
}
