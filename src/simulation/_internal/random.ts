/**
 * Seeded randomness for the simulator. The generator is pure-rand's xoroshiro128+ (the one
 * fast-check uses); `jump` gives each replication a stream that does not overlap the others.
 * The distributions are the textbook transformations of a uniform variate.
 */
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { JumpableRandomGenerator } from 'pure-rand/types/JumpableRandomGenerator';
import { MAX_QUANTITY } from '../../domain/limits.js';
import type { QuantityDistribution } from '../scenario.js';

export class Rng {
  private readonly g: JumpableRandomGenerator;

  private constructor(g: JumpableRandomGenerator) {
    this.g = g;
  }

  /** The stream of replication `replication` (0-based) for `seed`. */
  static stream(seed: number, replication: number): Rng {
    let rng = new Rng(xoroshiro128plus(seed));
    for (let i = 0; i < replication; i++) rng = rng.jumped();
    return rng;
  }

  /**
   * The stream of the next replication: this one, as it stands, jumped once. Taking each
   * replication's stream from the one before costs one jump each, where `stream` costs r.
   */
  jumped(): Rng {
    const g = this.g.clone();
    g.jump();
    return new Rng(g);
  }

  /** An independent copy that draws what this one would. */
  copy(): Rng {
    return new Rng(this.g.clone());
  }

  /** Uniform in [0, 1). */
  uniform(): number {
    return uniformFloat64(this.g);
  }

  /** Uniform in (0, 1], safe for a logarithm. */
  private open(): number {
    return 1 - uniformFloat64(this.g);
  }

  /** Exponential with the given mean (inversion). */
  exponential(mean: number): number {
    return -Math.log(this.open()) * mean;
  }

  /** Standard normal (Box–Muller; the second variate is dropped to keep the stream simple). */
  normal(): number {
    return Math.sqrt(-2 * Math.log(this.open())) * Math.cos(2 * Math.PI * this.uniform());
  }

  /** A value drawn from normalized weights. */
  pick<T>(weighted: readonly (readonly [T, number])[]): T {
    return (weighted[this.pickIndex(weighted)] as readonly [T, number])[0];
  }

  /** The index of a value drawn from normalized weights, with the one draw `pick` takes. */
  pickIndex(weighted: readonly (readonly [unknown, number])[]): number {
    let u = this.uniform();
    for (let i = 0; i < weighted.length; i++) {
      u -= (weighted[i] as readonly [unknown, number])[1];
      if (u < 0) return i;
    }
    return weighted.length - 1;
  }

  /** Items of one order: a whole number from 1 to the engine's `MAX_QUANTITY`. */
  quantity(d: QuantityDistribution): number {
    return Math.min(MAX_QUANTITY, this.draw(d));
  }

  /** A draw from the distribution, at least 1; the tail may pass `MAX_QUANTITY`. */
  private draw(d: QuantityDistribution): number {
    switch (d.dist) {
      case 'fixed':
        return d.value;
      case 'exponential':
        return Math.max(1, Math.ceil(this.exponential(d.mean)));
      case 'lognormal': {
        // The mean and sd are of the items; those of the logarithm follow from them.
        const s2 = Math.log(1 + (d.sd * d.sd) / (d.mean * d.mean));
        const mu = Math.log(d.mean) - s2 / 2;
        return Math.max(1, Math.round(Math.exp(mu + Math.sqrt(s2) * this.normal())));
      }
      case 'geometric': {
        // Trials to the first success with p = 1/mean, by inversion: ceil(ln U / ln(1 − p)).
        if (d.mean <= 1) return 1;
        const p = 1 / d.mean;
        return Math.max(1, Math.ceil(Math.log(this.open()) / Math.log(1 - p)));
      }
    }
  }
}
