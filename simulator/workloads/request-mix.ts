/**
 * What each arriving request looks like: its tenant (by weights) and API key, its model, its
 * prompt and output tokens (log-normal, or given by a trace), and, for temperature-0 requests,
 * a prompt identity drawn from a Zipf popularity so that repeats hit the cache (or, with
 * `trending`, from the hot set of the moment: trending-prompts.ts).
 *
 * A repeated prompt has the same input tokens every time (derived from its rank by a hash),
 * as a real repeated prompt would.
 */
import type { GatewayRequest } from '../../gateway-core/engine/types.js';
import type { SeededRng } from '../../gateway-core/rng.js';
import { fnv1a32 } from '../../gateway-core/stable-hash.js';
import { GaussianSource } from './gaussian-source.js';
import { type TrendingSpec, TrendingPrompts } from './trending-prompts.js';
import { ZipfPopularity } from './zipf-popularity.js';

/** A request as the simulator makes it: the engine's request plus what the backend will do. */
export interface SimRequest extends GatewayRequest {
  /** Tokens the backend will generate (the workload knows; the engine only sees max tokens). */
  outputTokens: number;
  /** The tenant the workload meant (for counting requests rejected before identification). */
  tenantHint: string;
  /**
   * A 32-bit number naming this request for common random numbers (api-backend.ts); without
   * one the id's hash serves. A number, so no id string is built per request to get it.
   */
  readonly draw?: number;
}

export interface TokenDistribution {
  median: number;
  sigma: number;
  min?: number;
  max?: number;
}

export interface TenantMix {
  weight: number;
  /** API key(s) this tenant's requests present (picked uniformly). */
  keys: readonly string[];
  /** Model weights for this tenant (the mix's default when absent). */
  models?: Readonly<Record<string, number>>;
}

export interface RequestMixSpec {
  tenants: Readonly<Record<string, TenantMix>>;
  models: Readonly<Record<string, number>>;
  input: TokenDistribution;
  output: TokenDistribution;
  /** `max_tokens` requests ask for (0: the policy's maxOutputTokens is reserved). */
  maxTokens?: number;
  prompts?: { distinct: number; zipf: number; temperatureZeroShare: number; trending?: TrendingSpec | null };
}

interface Weighted<T> {
  items: T[];
  cumulative: Float64Array;
}

function weighted<T>(entries: Array<[T, number]>, what: string): Weighted<T> {
  const cumulative = new Float64Array(entries.length);
  let sum = 0;
  entries.forEach(([, w], i) => {
    if (!(w >= 0)) throw new RangeError(`${what}: weight must be >= 0, got ${w}`);
    sum += w;
    cumulative[i] = sum;
  });
  if (!(sum > 0)) throw new RangeError(`${what}: weights must not all be zero`);
  for (let i = 0; i < cumulative.length; i++) cumulative[i] /= sum;
  return { items: entries.map(([t]) => t), cumulative };
}

function pick<T>(w: Weighted<T>, u: number): T {
  const c = w.cumulative;
  for (let i = 0; i < c.length; i++) if (u < c[i]) return w.items[i];
  return w.items[w.items.length - 1];
}

/** A deterministic standard normal from an integer (for a prompt's fixed size). */
function hashedNormal(k: number): number {
  let h = Math.imul(k ^ 0x9e3779b9, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  const u1 = ((h >>> 0) + 1) / 4294967297;
  h = Math.imul(h ^ 0x27d4eb2f, 0x165667b1);
  h ^= h >>> 15;
  const u2 = (h >>> 0) / 4294967296;
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

function clampTokens(v: number, d: TokenDistribution): number {
  const x = Math.round(v);
  return Math.min(d.max ?? 1_000_000, Math.max(d.min ?? 1, x));
}

/**
 * A request made by the mix. Its id is `r<sequence>` when made from a sequence number, built
 * only when something reads it: the engine reads ids only for errors and per-request traffic
 * splits, and a string per request was a sizeable share of the simulator's garbage.
 */
class MixedRequest implements SimRequest {
  private text: string | undefined;

  constructor(
    private readonly ref: string | number,
    readonly apiKey: string,
    readonly model: string,
    readonly inputTokens: number,
    readonly maxOutputTokens: number,
    readonly cacheKey: string | undefined,
    readonly outputTokens: number,
    readonly tenantHint: string,
  ) {}

  /**
   * 0 for a repeated prompt (the cacheable ones, which carry a cache key), 0.7 for the sampled
   * rest. Derived, not stored: a double field costs a boxed number per request.
   */
  get temperature(): number {
    return this.cacheKey === undefined ? 0.7 : 0;
  }

  get id(): string {
    if (this.text === undefined) this.text = typeof this.ref === 'string' ? this.ref : `r${this.ref}`;
    return this.text;
  }

  get draw(): number {
    return typeof this.ref === 'number' ? this.ref >>> 0 : fnv1a32(this.ref);
  }
}

interface TenantPlan {
  name: string;
  keys: readonly string[];
  models: Weighted<string>;
}

export class RequestMix {
  private readonly tenants: Weighted<TenantPlan>;
  private readonly zipf: ZipfPopularity | null;
  private readonly trending: TrendingPrompts | null;
  private readonly temp0: number;
  private readonly gauss: GaussianSource;
  /**
   * Cache keys by model, then prompt rank, built once: the engine's cache looks each key up in
   * a Map, and a string made fresh per request must be flattened and hashed on every lookup;
   * a kept one caches its hash. Bounded by models x prompts.distinct.
   */
  private readonly promptKeys = new Map<string, Array<string | undefined>>();

  constructor(
    private readonly spec: RequestMixSpec,
    private readonly rng: SeededRng,
  ) {
    const defaultModels = weighted(Object.entries(spec.models), 'workload.models');
    const plans: Array<[TenantPlan, number]> = Object.entries(spec.tenants).map(([name, t]) => {
      if (t.keys.length === 0) throw new RangeError(`workload tenant ${name}: needs an API key`);
      const models = t.models ? weighted(Object.entries(t.models), `tenant ${name} models`) : defaultModels;
      return [{ name, keys: t.keys, models }, t.weight];
    });
    this.tenants = weighted(plans, 'workload.tenants');
    this.gauss = new GaussianSource(rng);
    this.zipf = spec.prompts ? new ZipfPopularity(spec.prompts.distinct, spec.prompts.zipf) : null;
    this.temp0 = spec.prompts?.temperatureZeroShare ?? 0;
    const trending = spec.prompts?.trending;
    this.trending = this.zipf !== null && trending ? new TrendingPrompts(trending) : null;
  }

  /**
   * The cache key of catalogue prompt `rank` (1..distinct) or, above distinct, of trending
   * topic rank - distinct - 1 (`model|t<topic>`).
   */
  private promptKey(model: string, rank: number): string {
    let keys = this.promptKeys.get(model);
    const distinct = this.spec.prompts?.distinct ?? 0;
    if (keys === undefined) {
      // Filled up front (ranks are 1..distinct, then the topics) so the array stays packed,
      // not a sparse dictionary.
      const topics = this.trending?.spec.topics ?? 0;
      keys = new Array<string | undefined>(distinct + topics + 1).fill(undefined);
      this.promptKeys.set(model, keys);
    }
    let k = keys[rank];
    if (k === undefined) {
      k = rank > distinct ? `${model}|t${rank - distinct - 1}` : `${model}|p${rank}`;
      keys[rank] = k;
    }
    return k;
  }

  /**
   * A trending topic's answer length: fixed per topic (one deterministic answer to one
   * temperature-0 question), from trending.output or else the stream's output distribution.
   */
  private topicOutput(topic: number): number {
    const d = this.spec.prompts?.trending?.output ?? this.spec.output;
    return clampTokens(d.median * Math.exp(d.sigma * hashedNormal(-1 - topic)), d);
  }

  /** A draw from `d`; a fixed size (sigma 0) draws no random number. */
  private logNormal(d: TokenDistribution): number {
    return d.sigma === 0 ? d.median : this.gauss.logNormal(d.median, d.sigma);
  }

  /** Names of the tenants this mix sends as. */
  tenantNames(): string[] {
    return this.tenants.items.map((t) => t.name);
  }

  /**
   * A new request. `id` is its id, or a sequence number n for the id `r<n>` (built lazily);
   * `tokens` (from a trace) overrides the distributions; `tenant` (from a trace or a tenant
   * rule) overrides the weights. `at` (the arrival time, ms) places the request among trending
   * bursts, when the prompts have any.
   */
  make(
    id: string | number,
    tokens?: { input: number; output: number } | null,
    tenant?: string | null,
    model?: string | null,
    at = 0,
  ): SimRequest {
    const rng = this.rng;
    const plan = tenant ? (this.tenants.items.find((t) => t.name === tenant) ?? null) : null;
    const t = plan ?? pick(this.tenants, rng.next());
    const apiKey = t.keys.length === 1 ? t.keys[0] : t.keys[Math.floor(rng.next() * t.keys.length)];
    const m = model ?? pick(t.models, rng.next());
    let input: number;
    let cacheKey: string | undefined;
    let topic = -1;
    if (this.zipf !== null && rng.next() < this.temp0) {
      // A trending topic is a rank past the catalogue's (its own key, its own fixed size).
      if (this.trending !== null) topic = this.trending.pick(at, rng);
      const rank = topic >= 0 ? (this.spec.prompts?.distinct ?? 0) + 1 + topic : this.zipf.sample(rng);
      cacheKey = this.promptKey(m, rank);
      input = tokens
        ? tokens.input
        : clampTokens(
            this.spec.input.median * Math.exp(this.spec.input.sigma * hashedNormal(rank)),
            this.spec.input,
          );
    } else {
      input = tokens ? tokens.input : clampTokens(this.logNormal(this.spec.input), this.spec.input);
    }
    const output = tokens
      ? tokens.output
      : topic >= 0
        ? this.topicOutput(topic)
        : clampTokens(this.logNormal(this.spec.output), this.spec.output);
    return new MixedRequest(id, apiKey, m, input, this.spec.maxTokens ?? 0, cacheKey, output, t.name);
  }
}
