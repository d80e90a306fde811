/** Prints one benchmark figure as a JSON line (DESIGN.md §9): measurements to 4 significant digits, counts exactly (92,125 rows is not 92,130). */
export function figure(bench: string, name: string, value: number, unit: string): void {
  const shown = Number.isInteger(value) ? value : Number(value.toPrecision(4));
  process.stdout.write(`${JSON.stringify({ bench, figure: name, value: shown, unit })}\n`);
}

/** Median wall time of `runs` runs of `fn`, in ms. */
export async function medianMs(runs: number, fn: () => unknown): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    (globalThis as { gc?: () => void }).gc?.();
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}
