/**
 * Weighted fair queueing with virtual finish tags (self-clocked, as in SCFQ / start-time FQ):
 *
 *   S = max(V, F_last[class])          start tag of the class's head item
 *   F = S + cost / weight[class]       finish tag
 *   serve the smallest F (ties: earliest enqueued); then V = max(V, S_served), F_last = F_served
 *
 * V is the start tag of the item last served, so a class that becomes backlogged starts level
 * with the item in service: it neither jumps ahead of backlogged classes nor inherits credit for
 * the time it was idle. Under saturation each class gets service (sum of costs) in proportion
 * to its weight.
 *
 * Tags are given to a lane's head only when it becomes head (not at arrival). For a backlogged
 * class this equals arrival tagging (F_i = F_{i-1} + cost/w), and it lets `setWeights` take
 * effect at once: waiting heads are re-tagged as S + cost/newWeight. An expired head forfeits
 * nothing: the next head is tagged from the class's last *served* finish tag.
 * Unknown classes get weight 1.
 */
import { ClassLanesQueue, type Lane } from './class-lanes.js';

function checkWeights(weights: Readonly<Record<string, number>>): Record<string, number> {
  for (const [cls, w] of Object.entries(weights))
    if (!(w > 0) || !Number.isFinite(w))
      throw new RangeError(`WFQ weight of class ${cls} must be finite and > 0, got ${w}`);
  return { ...weights };
}

export class WeightedFairQueue<T> extends ClassLanesQueue<T> {
  readonly discipline = 'wfq' as const;
  private weights: Record<string, number>;
  /** Virtual time: the start tag of the item served last. */
  private virtualTime = 0;

  constructor(weights: Readonly<Record<string, number>> = {}, maxDepth = Number.POSITIVE_INFINITY) {
    super(maxDepth);
    this.weights = checkWeights(weights);
  }

  get virtualTimeNow(): number {
    return this.virtualTime;
  }

  setWeights(weights: Readonly<Record<string, number>>): void {
    this.weights = checkWeights(weights);
    this.reconfigureAll();
  }

  protected before(a: Lane<T>, b: Lane<T>): boolean {
    if (a.finish !== b.finish) return a.finish < b.finish;
    return a.list.head!.seq < b.list.head!.seq;
  }

  protected keyHead(lane: Lane<T>): void {
    const head = lane.list.head!;
    lane.start = Math.max(this.virtualTime, lane.lastFinish);
    lane.finish = lane.start + head.cost / lane.weight;
  }

  /** After a weight change the head keeps its start tag; only its length in virtual time changes. */
  protected override rekey(lane: Lane<T>): void {
    lane.finish = lane.start + lane.list.head!.cost / lane.weight;
  }

  protected served(lane: Lane<T>): void {
    if (lane.start > this.virtualTime) this.virtualTime = lane.start;
    lane.lastFinish = lane.finish;
  }

  protected configure(lane: Lane<T>): void {
    lane.weight = this.weights[lane.name] ?? 1;
  }
}
