import { DateTime } from 'luxon';

/** Where the numbers come from, most specific first (manual §3.5.2: the agent's setting wins). */
export interface DisplayNumberSources {
  agent?: readonly string[];
  task?: readonly string[];
  system: readonly string[];
}

export interface DisplayNumberPolicy {
  /** Change the number every N days; 0 = a new number for each call (manual §3.15.1 "external number polling"). */
  rotationDays: number;
  timeZone: string;
}

/**
 * Chooses the caller ID shown on an outbound call: the agent's numbers if it has any, else
 * the task's, else the system's; within that list the rotation policy picks one. Every N
 * days means the same number for everyone during a period of N calendar days (counted in
 * the tenant's zone from 1970-01-01, so every process agrees without shared state); 0
 * means the next number of the list on every call, kept per list by `DisplayNumberRotor`.
 */
export class DisplayNumberRotor {
  private readonly next = new Map<string, number>();

  choose(sources: DisplayNumberSources, policy: DisplayNumberPolicy, now: number): { number: string; source: 'agent' | 'task' | 'system' } | undefined {
    const [source, numbers] =
      sources.agent && sources.agent.length > 0 ? (['agent', sources.agent] as const) : sources.task && sources.task.length > 0 ? (['task', sources.task] as const) : (['system', sources.system] as const);
    if (numbers.length === 0) return undefined;
    if (policy.rotationDays > 0) {
      const day = Math.floor(DateTime.fromMillis(now, { zone: policy.timeZone }).startOf('day').setZone('UTC', { keepLocalTime: true }).toMillis() / 86_400_000);
      return { number: numbers[Math.floor(day / policy.rotationDays) % numbers.length]!, source };
    }
    const key = numbers.join(',');
    const index = this.next.get(key) ?? 0;
    this.next.set(key, (index + 1) % numbers.length);
    return { number: numbers[index % numbers.length]!, source };
  }
}
