import type { CallId, MediaEvent } from '../media/media-events.js';

interface Line {
  extension: string | undefined;
  direction: 'inbound' | 'outbound';
  answered: boolean;
  bridgedTo: CallId | undefined;
  createdAt: number;
}

/**
 * Who is on which phone right now, from the media events alone: every leg to or from an
 * extension, whether it rings or is answered, and what it is bridged to. Phone feature
 * codes read it — park needs the call an agent is talking on, pickup the phones that ring
 * — whichever engine made those legs (a queue, a ring group, a direct call).
 */
export class LineIndex {
  private readonly lines = new Map<CallId, Line>();
  private readonly byExtension = new Map<string, Set<CallId>>();

  observe(event: MediaEvent): void {
    switch (event.type) {
      case 'call.created': {
        const endpoint = event.direction === 'outbound' ? event.to : event.from;
        const extension = endpoint.kind === 'extension' ? endpoint.extension : undefined;
        this.lines.set(event.callId, { extension, direction: event.direction, answered: false, bridgedTo: undefined, createdAt: event.at });
        if (extension !== undefined) {
          const set = this.byExtension.get(extension) ?? new Set();
          set.add(event.callId);
          this.byExtension.set(extension, set);
        }
        break;
      }
      case 'call.answered':
        this.update(event.callId, (line) => (line.answered = true));
        break;
      case 'call.bridged':
        this.update(event.callId, (line) => (line.bridgedTo = event.otherCallId));
        break;
      case 'call.unbridged':
        this.update(event.callId, (line) => (line.bridgedTo = undefined));
        break;
      case 'call.hangup': {
        const line = this.lines.get(event.callId);
        this.lines.delete(event.callId);
        if (line?.extension !== undefined) {
          const set = this.byExtension.get(line.extension);
          set?.delete(event.callId);
          if (set?.size === 0) this.byExtension.delete(line.extension);
        }
        break;
      }
      default:
        break;
    }
  }

  /** The extension's answered leg that is bridged to someone (not `except`), and that someone. */
  talkingOn(extension: string, except?: CallId): { legId: CallId; otherCallId: CallId } | undefined {
    for (const legId of this.byExtension.get(extension) ?? []) {
      const line = this.lines.get(legId)!;
      if (legId !== except && line.answered && line.bridgedTo !== undefined) return { legId, otherCallId: line.bridgedTo };
    }
    return undefined;
  }

  /** Legs ringing on these extensions (calls to them not answered yet), oldest first. */
  ringingOn(extensions: ReadonlySet<string>): Array<{ legId: CallId; extension: string }> {
    const ringing: Array<{ legId: CallId; extension: string; createdAt: number }> = [];
    for (const extension of extensions) {
      for (const legId of this.byExtension.get(extension) ?? []) {
        const line = this.lines.get(legId)!;
        if (line.direction === 'outbound' && !line.answered) ringing.push({ legId, extension, createdAt: line.createdAt });
      }
    }
    return ringing.sort((a, b) => a.createdAt - b.createdAt).map(({ legId, extension }) => ({ legId, extension }));
  }

  extensionOf(callId: CallId): string | undefined {
    return this.lines.get(callId)?.extension;
  }

  private update(callId: CallId, change: (line: Line) => void): void {
    const line = this.lines.get(callId);
    if (line) change(line);
  }
}
