import { useCallback, useEffect, useState } from 'react';
import { MESSAGES, type LocaleInput } from './i18n.js';
import { useSwitchboardClient, useSwitchboardLocale } from './provider.js';

export interface ConnectionStatusProps {
  /** Overrides the provider's language for this widget. */
  locale?: LocaleInput;
  /** Added to the root element's classes. */
  className?: string;
}

type Status = { kind: 'checking' } | { kind: 'connected'; version: string } | { kind: 'unreachable'; reason: string };

/**
 * Whether the Switchboard server answers, and its version. It asks once when it appears
 * and again when the user presses its refresh button; it never polls.
 */
export function ConnectionStatus({ locale, className }: ConnectionStatusProps) {
  const client = useSwitchboardClient();
  const messages = MESSAGES[useSwitchboardLocale(locale)].connectionStatus;
  const [status, setStatus] = useState<Status>({ kind: 'checking' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    // Aborted when the widget goes away or a newer check starts, so a slow old
    // answer never overwrites a newer one.
    const controller = new AbortController();
    setStatus({ kind: 'checking' });
    client.health({ signal: controller.signal }).then(
      (health) => setStatus({ kind: 'connected', version: health.version }),
      (error: unknown) => {
        if (!controller.signal.aborted) setStatus({ kind: 'unreachable', reason: error instanceof Error ? error.message : String(error) });
      },
    );
    return () => controller.abort();
  }, [client, attempt]);

  const refresh = useCallback(() => setAttempt((n) => n + 1), []);

  const text = status.kind === 'checking' ? messages.checking : status.kind === 'connected' ? messages.connected(status.version) : messages.unreachable;
  return (
    <div
      className={['sb-widget', 'sb-connection-status', className].filter(Boolean).join(' ')}
      data-state={status.kind}
      role="group"
      aria-label={messages.label}
      aria-busy={status.kind === 'checking'}
    >
      <span className="sb-connection-status__indicator" aria-hidden="true" />
      <span className="sb-connection-status__text" role="status" aria-live="polite" title={status.kind === 'unreachable' ? status.reason : undefined}>
        {text}
      </span>
      <button type="button" className="sb-button" onClick={refresh}>
        {messages.refresh}
      </button>
    </div>
  );
}
