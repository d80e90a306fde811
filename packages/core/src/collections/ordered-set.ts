/**
 * A sorted set ordered by a comparator: a B+tree. Every operation costs O(log n).
 *
 * Why a B+tree and not a binary tree (treap, red-black): the agent pools it indexes are
 * many (one per group) and touched at random, so they are usually out of cache, and a
 * binary tree pays two cache misses per level (the node, then the item it compares). A
 * node here holds up to `nodeCapacity` items side by side, so a set of a few hundred is
 * two levels, and one of up to `nodeCapacity` items is a single sorted array. The shape
 * depends only on the operations, never on randomness: the same run is the same on every
 * machine (DESIGN.md §2).
 *
 * Leaves are chained left to right, so walking on from any item costs O(1) per item, and
 * the leftmost leaf is never removed (merges always drop the right one of two), so the
 * smallest item is found without a descent.
 *
 * Items that compare equal are the same key: the set holds at most one of them. The
 * comparator must be a total order and must not change for an item while it is in the set
 * (delete it, change it, add it again). Do not add or delete while iterating.
 */
export type Comparator<T> = (a: T, b: T) => number;

/**
 * Where an item lies relative to a bound that need not be an item itself: negative when the
 * item is before the bound, zero or positive when it is at or after it. It must agree with
 * the set's order (never "after" for one item and "before" for a later one).
 */
export type Bound<T> = (item: T) => number;

export interface OrderedSetOptions {
  /** Most items in a leaf and most children of a branch; at least 4. Small values only make sense in tests. */
  nodeCapacity?: number;
}

class Leaf<T> {
  next: Leaf<T> | null = null;
  constructor(public items: T[]) {}
}

class Branch<T> {
  /** maxima[i] is the largest item under children[i]: the descent compares against it. */
  constructor(
    public children: Array<TreeNode<T>>,
    public maxima: T[],
  ) {}
}

type TreeNode<T> = Leaf<T> | Branch<T>;

function entriesOf<T>(node: TreeNode<T>): number {
  return node instanceof Leaf ? node.items.length : node.children.length;
}

function maximumOf<T>(node: TreeNode<T>): T {
  return (node instanceof Leaf ? node.items[node.items.length - 1] : node.maxima[node.maxima.length - 1]) as T;
}

export class OrderedSet<T> {
  private readonly capacity: number;
  /** Fewer than this in a non-root node and it borrows or merges: a quarter, so a split (two halves) is far from a merge. */
  private readonly minimum: number;
  private readonly head: Leaf<T> = new Leaf<T>([]);
  private root: TreeNode<T> = this.head;
  private count = 0;
  /** Set by the recursive add/delete: whether the call changed the set. */
  private changed = false;

  constructor(
    private readonly compare: Comparator<T>,
    options: OrderedSetOptions = {},
  ) {
    this.capacity = Math.max(4, Math.floor(options.nodeCapacity ?? 32));
    // At least 2, so that every node but the root has a sibling to borrow from or merge with.
    this.minimum = Math.max(2, Math.floor(this.capacity / 4));
  }

  get size(): number {
    return this.count;
  }

  has(key: T): boolean {
    return this.get(key) !== undefined;
  }

  /** The stored item equal to `key`, if any. */
  get(key: T): T | undefined {
    let node = this.root;
    while (node instanceof Branch) {
      const i = lowerBound(node.maxima, key, this.compare);
      if (i === node.maxima.length) return undefined;
      node = node.children[i] as TreeNode<T>;
    }
    const item = node.items[lowerBound(node.items, key, this.compare)];
    return item !== undefined && this.compare(item, key) === 0 ? item : undefined;
  }

  /** Adds `item`; false (and the set unchanged) when an equal item is already there. */
  add(item: T): boolean {
    this.changed = false;
    const sibling = this.insert(this.root, item);
    if (sibling !== null) this.root = new Branch<T>([this.root, sibling], [maximumOf(this.root), maximumOf(sibling)]);
    if (this.changed) this.count++;
    return this.changed;
  }

  /** Deletes the item equal to `key`; false when there is none. */
  delete(key: T): boolean {
    this.changed = false;
    this.remove(this.root, key);
    if (!this.changed) return false;
    this.count--;
    while (this.root instanceof Branch && this.root.children.length === 1) this.root = this.root.children[0] as TreeNode<T>;
    return true;
  }

  clear(): void {
    this.head.items = [];
    this.head.next = null;
    this.root = this.head;
    this.count = 0;
  }

  /** The smallest item. */
  first(): T | undefined {
    return this.head.items[0];
  }

  /** The largest item. */
  last(): T | undefined {
    return this.count === 0 ? undefined : maximumOf(this.root);
  }

  /** The smallest item at or after `bound`. */
  ceilingBy(bound: Bound<T>): T | undefined {
    const [leaf, index] = this.seek(bound);
    return leaf?.items[index];
  }

  /** The smallest item greater than or equal to `key`. */
  ceiling(key: T): T | undefined {
    return this.ceilingBy(this.atOrAfter(key));
  }

  /** The smallest item greater than `key` (which need not be in the set): the next one in a wrap-around walk. */
  successor(key: T): T | undefined {
    return this.ceilingBy(this.after(key));
  }

  /**
   * The first item, in order from the smallest (or from `from`), that satisfies `predicate`.
   * Costs O(log n + items skipped): the way to skip a few excluded items without a scan.
   */
  firstWhere(predicate: (item: T) => boolean, from?: Bound<T>): T | undefined {
    let [leaf, index] = from === undefined ? [this.head, 0] : this.seek(from);
    for (; leaf !== null; leaf = leaf.next, index = 0) {
      const items = leaf.items;
      for (; index < items.length; index++) if (predicate(items[index] as T)) return items[index];
    }
    return undefined;
  }

  /** The items in order, from the smallest or from the first at or after `from`. */
  *values(from?: Bound<T>): IterableIterator<T> {
    let [leaf, index] = from === undefined ? [this.head, 0] : this.seek(from);
    for (; leaf !== null; leaf = leaf.next, index = 0) {
      const items = leaf.items;
      for (; index < items.length; index++) yield items[index] as T;
    }
  }

  /** The items greater than `key`, in order. */
  valuesAfter(key: T): IterableIterator<T> {
    return this.values(this.after(key));
  }

  [Symbol.iterator](): IterableIterator<T> {
    return this.values();
  }

  /** A bound that puts `key` itself and everything before it "before". */
  private after(key: T): Bound<T> {
    return (item) => (this.compare(item, key) <= 0 ? -1 : 0);
  }

  private atOrAfter(key: T): Bound<T> {
    return (item) => (this.compare(item, key) < 0 ? -1 : 0);
  }

  /** The leaf and index of the first item at or after `bound`; a null leaf when there is none. */
  private seek(bound: Bound<T>): [Leaf<T> | null, number] {
    let node = this.root;
    while (node instanceof Branch) {
      const i = firstAtOrAfter(node.maxima, bound);
      if (i === node.maxima.length) return [null, 0];
      node = node.children[i] as TreeNode<T>;
    }
    const i = firstAtOrAfter(node.items, bound);
    return i === node.items.length ? [null, 0] : [node, i];
  }

  /** Inserts under `node`; returns the new right sibling when `node` had to split. */
  private insert(node: TreeNode<T>, item: T): TreeNode<T> | null {
    const compare = this.compare;
    if (node instanceof Leaf) {
      const items = node.items;
      const i = lowerBound(items, item, compare);
      if (i < items.length && compare(items[i] as T, item) === 0) return null;
      insertAt(items, i, item);
      this.changed = true;
      if (items.length <= this.capacity) return null;
      const right = new Leaf<T>(items.splice(items.length >> 1));
      right.next = node.next;
      node.next = right;
      return right;
    }
    const { children, maxima } = node;
    // Past every maximum: the item goes to the last child and becomes its maximum.
    const i = Math.min(lowerBound(maxima, item, compare), children.length - 1);
    const child = children[i] as TreeNode<T>;
    const sibling = this.insert(child, item);
    if (!this.changed) return null;
    maxima[i] = maximumOf(child);
    if (sibling === null) return null;
    insertAt(children, i + 1, sibling);
    insertAt(maxima, i + 1, maximumOf(sibling));
    if (children.length <= this.capacity) return null;
    const half = children.length >> 1;
    return new Branch<T>(children.splice(half), maxima.splice(half));
  }

  private remove(node: TreeNode<T>, key: T): void {
    const compare = this.compare;
    if (node instanceof Leaf) {
      const items = node.items;
      const i = lowerBound(items, key, compare);
      if (i === items.length || compare(items[i] as T, key) !== 0) return;
      removeAt(items, i);
      this.changed = true;
      return;
    }
    const { children, maxima } = node;
    const i = lowerBound(maxima, key, compare);
    if (i === children.length) return;
    const child = children[i] as TreeNode<T>;
    this.remove(child, key);
    if (!this.changed) return;
    if (entriesOf(child) >= this.minimum) {
      maxima[i] = maximumOf(child);
      return;
    }
    this.rebalance(node, i);
  }

  /** children[i] has too few entries: borrow one from a sibling that can spare it, or merge with one. */
  private rebalance(parent: Branch<T>, i: number): void {
    const { children, maxima } = parent;
    const child = children[i] as TreeNode<T>;
    const left = children[i - 1];
    const right = children[i + 1];
    if (left !== undefined && entriesOf(left) > this.minimum) {
      moveLastToFront(left, child);
      maxima[i - 1] = maximumOf(left);
      maxima[i] = maximumOf(child);
    } else if (right !== undefined && entriesOf(right) > this.minimum) {
      moveFirstToBack(right, child);
      maxima[i] = maximumOf(child);
    } else if (left !== undefined) {
      mergeInto(left, child);
      removeAt(children, i);
      removeAt(maxima, i);
      maxima[i - 1] = maximumOf(left);
    } else if (right !== undefined) {
      mergeInto(child, right);
      removeAt(children, i + 1);
      removeAt(maxima, i + 1);
      maxima[i] = maximumOf(child);
    }
    // No sibling at all cannot happen: a branch has at least two children (the root collapses at one).
  }
}

/** `splice(i, 0, item)` without the array of removed items splice allocates: this runs on every add. */
function insertAt<T>(items: T[], i: number, item: T): void {
  for (let j = items.length; j > i; j--) items[j] = items[j - 1] as T;
  items[i] = item;
}

function removeAt<T>(items: T[], i: number): void {
  const last = items.length - 1;
  for (let j = i; j < last; j++) items[j] = items[j + 1] as T;
  items.pop();
}

/** Binary search: the index of the first item not less than `key` (items.length when none is). */
function lowerBound<T>(items: readonly T[], key: T, compare: Comparator<T>): number {
  let low = 0;
  let high = items.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (compare(items[middle] as T, key) < 0) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** Binary search: the index of the first item at or after `bound` (items.length when none is). */
function firstAtOrAfter<T>(items: readonly T[], bound: Bound<T>): number {
  let low = 0;
  let high = items.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (bound(items[middle] as T) < 0) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** Siblings are at the same depth, so both are leaves or both are branches. */
function moveLastToFront<T>(from: TreeNode<T>, to: TreeNode<T>): void {
  if (from instanceof Leaf) {
    (to as Leaf<T>).items.unshift(from.items.pop() as T);
  } else {
    (to as Branch<T>).children.unshift(from.children.pop() as TreeNode<T>);
    (to as Branch<T>).maxima.unshift(from.maxima.pop() as T);
  }
}

function moveFirstToBack<T>(from: TreeNode<T>, to: TreeNode<T>): void {
  if (from instanceof Leaf) {
    (to as Leaf<T>).items.push(from.items.shift() as T);
  } else {
    (to as Branch<T>).children.push(from.children.shift() as TreeNode<T>);
    (to as Branch<T>).maxima.push(from.maxima.shift() as T);
  }
}

/** Appends `right` to `left` (its neighbour on the right), which takes its place in the leaf chain. */
function mergeInto<T>(left: TreeNode<T>, right: TreeNode<T>): void {
  if (left instanceof Leaf) {
    const from = right as Leaf<T>;
    for (const item of from.items) left.items.push(item);
    left.next = from.next;
  } else {
    const from = right as Branch<T>;
    for (const child of from.children) left.children.push(child);
    for (const maximum of from.maxima) left.maxima.push(maximum);
  }
}
