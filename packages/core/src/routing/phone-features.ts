import type { FeatureCodes } from './model.js';

export const PARK_SLOTS = 20;

/** What a dialled number asks for, among the phone feature codes (manual §3.7.7). */
export type PhoneFeature =
  | { kind: 'park' }
  | { kind: 'retrieve'; slot: string }
  | { kind: 'announce-extension' }
  | { kind: 'record-voice' }
  | { kind: 'dnd-toggle' }
  | { kind: 'pickup' }
  | { kind: 'echo-test' }
  | { kind: 'monitor'; mode: 'listen' | 'whisper' | 'barge'; agentNumber: string };

/** The park slots after the park number: 900 → 901 … 920 (same width as the base where possible). */
export function parkSlots(base: string): string[] {
  const first = Number(base) + 1;
  return Array.from({ length: PARK_SLOTS }, (_, i) => String(first + i));
}

/**
 * Reads a dialled number as a feature code. Exact codes must match exactly; the monitor
 * codes take the agent number after them. A park slot is only a retrieve request here:
 * whether something is parked there is the parking lot's to say (an empty slot falls
 * through to normal routing, as the manual gives park slots priority only when used).
 */
export function parsePhoneFeature(codes: FeatureCodes, dialed: string): PhoneFeature | undefined {
  if (dialed === codes.park) return { kind: 'park' };
  if (parkSlots(codes.park).includes(dialed)) return { kind: 'retrieve', slot: dialed };
  const exact: Array<[string, PhoneFeature]> = [
    [codes.announceExtension, { kind: 'announce-extension' }],
    [codes.recordVoice, { kind: 'record-voice' }],
    [codes.dndToggle, { kind: 'dnd-toggle' }],
    [codes.pickup, { kind: 'pickup' }],
    [codes.echoTest, { kind: 'echo-test' }],
  ];
  for (const [code, feature] of exact) if (dialed === code) return feature;
  const monitors: Array<[string, 'listen' | 'whisper' | 'barge']> = [
    [codes.listen, 'listen'],
    [codes.whisper, 'whisper'],
    [codes.barge, 'barge'],
  ];
  for (const [code, mode] of monitors) {
    if (dialed.startsWith(code) && dialed.length > code.length) return { kind: 'monitor', mode, agentNumber: dialed.slice(code.length) };
  }
  return undefined;
}
