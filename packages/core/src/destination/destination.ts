import { z } from 'zod';

/**
 * Where a call goes next ("steering" in the manual): the one type every place that
 * offers a destination uses — queue overflow and timeout, IVR keys, routes, conditions.
 * The routing engine executes it per call; the ACD only hands it to a `DestinationHandler`.
 */
export const destinationSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('ivr'), ivrId: z.string().min(1) }),
  z.object({ kind: z.literal('ring-group'), ringGroupId: z.string().min(1) }),
  z.object({ kind: z.literal('condition'), conditionId: z.string().min(1) }),
  z.object({ kind: z.literal('voice-broadcast'), broadcastId: z.string().min(1) }),
  z.object({ kind: z.literal('agent-group'), groupNumber: z.string().regex(/^[0-9]{1,16}$/) }),
  z.object({ kind: z.literal('agent'), agentNumber: z.string().min(1) }),
  z.object({ kind: z.literal('extension'), extension: z.string().min(1) }),
  z.object({ kind: z.literal('external'), number: z.string().regex(/^\+?[0-9*#]{1,32}$/) }),
  z.object({ kind: z.literal('voicemail'), box: z.string().min(1) }),
  z.object({ kind: z.literal('hangup'), cause: z.string().optional() }),
]);

export type Destination = z.infer<typeof destinationSchema>;
export type DestinationKind = Destination['kind'];

/** Why a call is being sent to a destination: lets the executor log and count it. */
export type DestinationReason = 'queue-timeout' | 'queue-full' | 'queue-no-agent' | 'queue-empty' | 'queue-exit-key';

/**
 * Executes a destination for a call the ACD lets go of. The routing engine provides the
 * real one; without it the ACD hangs the call up (a `hangup` destination needs no handler).
 */
export type DestinationHandler = (request: { tenantId: string; callId: string; destination: Destination; reason: DestinationReason }) => Promise<void>;
