/**
 * Random operations for the engine's model-based tests: submits (keys, models, sizes, cache
 * keys), upstream outcomes (ok with token counts, 5xx, timeout, 4xx, 429 with or without
 * retry-after), and, when a policy generator is given, policy changes, canaries and scaling.
 * Each operation carries the time gap before it.
 */
import fc from 'fast-check';
import type { PolicyChoice } from './policy-engine.scenario-policy.js';

export type OutcomeChoice =
  | { kind: 'ok'; inputDelta: number; outputShare: number; cacheIt: boolean }
  | { kind: '5xx' | 'timeout' | '4xx' }
  | { kind: '429'; retryAfterMs: number | undefined };

export type Op =
  | {
      kind: 'submit';
      gap: number;
      key: number;
      model: 'big' | 'small' | 'nope';
      inputTokens: number;
      maxOutputTokens: number;
      cacheKey: string | undefined;
    }
  | { kind: 'complete'; gap: number; pick: number; outcome: OutcomeChoice }
  | { kind: 'apply'; gap: number; policy: PolicyChoice }
  | { kind: 'canary'; gap: number; policy: PolicyChoice; percent: number }
  | { kind: 'clearCanary' | 'promote'; gap: number }
  | { kind: 'scale'; gap: number; backend: number; ids: number[] };

export const outcomeArb: fc.Arbitrary<OutcomeChoice> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('ok' as const),
      inputDelta: fc.integer({ min: -5, max: 5 }),
      outputShare: fc.double({ min: 0, max: 1, noNaN: true }),
      cacheIt: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constantFrom('5xx' as const, 'timeout' as const, '4xx' as const) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('429' as const),
      retryAfterMs: fc.option(fc.integer({ min: 0, max: 400 }), { nil: undefined }),
    }),
  },
);

const gapArb = fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 400 }));

export const submitArb: fc.Arbitrary<Op> = fc.record({
  kind: fc.constant('submit' as const),
  gap: gapArb,
  key: fc.oneof(
    { weight: 30, arbitrary: fc.integer({ min: 0, max: 2 }) },
    { weight: 1, arbitrary: fc.constant(3) },
  ),
  model: fc.oneof(
    { weight: 30, arbitrary: fc.constant('big' as const) },
    { weight: 10, arbitrary: fc.constant('small' as const) },
    { weight: 1, arbitrary: fc.constant('nope' as const) },
  ),
  // Mostly within the policy's maxInputTokens 100 and maxOutputTokens 64, sometimes over.
  inputTokens: fc.oneof(
    { weight: 20, arbitrary: fc.integer({ min: 1, max: 100 }) },
    { weight: 1, arbitrary: fc.constant(101) },
  ),
  maxOutputTokens: fc.oneof(
    { weight: 20, arbitrary: fc.integer({ min: 0, max: 64 }) },
    { weight: 1, arbitrary: fc.constant(65) },
  ),
  cacheKey: fc.option(fc.constantFrom('c0', 'c1', 'c2'), { nil: undefined }),
});

export const completeArb: fc.Arbitrary<Op> = fc.record({
  kind: fc.constant('complete' as const),
  gap: gapArb,
  pick: fc.nat(),
  outcome: outcomeArb,
});

/** Operations: traffic and outcomes, plus (when `policy` is given) policy changes and scaling. */
export function opsArb(
  policy: fc.Arbitrary<PolicyChoice> | null,
  maxLength = 80,
  /** Relative weights of submits and completions (more submits: queues fill, deadlines pass). */
  mix: { submit: number; complete: number } = { submit: 10, complete: 8 },
): fc.Arbitrary<Op[]> {
  const ops: fc.WeightedArbitrary<Op>[] = [
    { weight: mix.submit, arbitrary: submitArb },
    { weight: mix.complete, arbitrary: completeArb },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('scale' as const),
        gap: gapArb,
        backend: fc.integer({ min: 0, max: 1 }),
        ids: fc.subarray([0, 1, 2, 3]),
      }),
    },
  ];
  if (policy !== null) {
    ops.push(
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('apply' as const), gap: gapArb, policy }) },
      {
        weight: 1,
        arbitrary: fc.record({
          kind: fc.constant('canary' as const),
          gap: gapArb,
          policy,
          percent: fc.constantFrom(0, 30, 100),
        }),
      },
      {
        weight: 1,
        arbitrary: fc.record({
          kind: fc.constantFrom('clearCanary' as const, 'promote' as const),
          gap: gapArb,
        }),
      },
    );
  }
  return fc.array(fc.oneof(...ops), { maxLength, size: 'max' });
}
