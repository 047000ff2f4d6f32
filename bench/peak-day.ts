/**
 * The peak-day scenario scaled to about `orders` orders a day: its arrival rates and line
 * capacities multiplied by the same factor, so the lab is as loaded as on the peak day, just
 * bigger, with `clients` clients.
 */
import { peakDay, type Scenario } from '../dist/index.js';

/** Orders a day of the peak-day scenario. */
const BASE = 800;

export function scaledPeakDay(orders: number, clients: number): Scenario {
  const k = orders / BASE;
  return {
    ...peakDay,
    name: `Peak day ×${k.toFixed(0)}`,
    lines: (peakDay.lines ?? []).map((l) => ({ ...l, unitsPerHour: l.unitsPerHour * k })),
    arrivals: { perHour: (peakDay.arrivals.perHour as number[]).map((r) => r * k) },
    mix: { ...peakDay.mix, clients: { ...peakDay.mix.clients, count: clients } },
  };
}
