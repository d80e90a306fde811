/**
 * Integer weights in slots with O(log n) update and weighted sampling: a Fenwick tree
 * (binary indexed tree) of prefix sums. Weights are integers so that sums never drift
 * however many updates a pool sees (floating-point sums would, and a drifted sum can
 * point at an empty slot). Freed slots are reused, last freed first.
 */
export class WeightTree {
  /** 1-based Fenwick array: sums[i] covers slots (i - lowbit(i), i]. */
  private sums: number[] = [0];
  private weights: number[] = [];
  private readonly freeSlots: number[] = [];
  /** Slots handed out so far, free or not; the next new slot. */
  private used = 0;
  /** The largest power of two within the capacity: where the descent of `find` starts. */
  private topStep = 0;
  private sum = 0;

  /** Sum of every weight. */
  get total(): number {
    return this.sum;
  }

  /** Puts `weight` in a free slot and returns the slot. */
  allocate(weight: number): number {
    let slot = this.freeSlots.pop();
    if (slot === undefined) {
      slot = this.used++;
      if (slot >= this.weights.length) this.grow();
    }
    this.set(slot, weight);
    return slot;
  }

  release(slot: number): void {
    this.set(slot, 0);
    this.freeSlots.push(slot);
  }

  weightOf(slot: number): number {
    return this.weights[slot] ?? 0;
  }

  set(slot: number, weight: number): void {
    if (!Number.isSafeInteger(weight) || weight < 0) throw new RangeError(`weights are non-negative integers, got ${weight}`);
    const delta = weight - (this.weights[slot] ?? 0);
    if (delta === 0) return;
    this.weights[slot] = weight;
    this.sum += delta;
    const sums = this.sums;
    for (let i = slot + 1; i < sums.length; i += i & -i) sums[i] = (sums[i] as number) + delta;
  }

  /** The slot where the running sum passes `target` (0 <= target < total): slot s with probability weight(s)/total for a uniform target. */
  find(target: number): number {
    const sums = this.sums;
    let position = 0;
    let rest = target;
    for (let step = this.topStep; step > 0; step >>= 1) {
      const next = position + step;
      if (next < sums.length && (sums[next] as number) <= rest) {
        position = next;
        rest -= sums[next] as number;
      }
    }
    return position;
  }

  /** Doubles the capacity and rebuilds the sums in O(n): cheaper than n single updates. */
  private grow(): void {
    const capacity = Math.max(16, this.weights.length * 2);
    while (this.weights.length < capacity) this.weights.push(0);
    const sums = [0, ...this.weights];
    for (let i = 1; i < sums.length; i++) {
      const parent = i + (i & -i);
      if (parent < sums.length) sums[parent] = (sums[parent] as number) + (sums[i] as number);
    }
    this.sums = sums;
    this.topStep = 2 ** Math.floor(Math.log2(capacity));
  }
}
