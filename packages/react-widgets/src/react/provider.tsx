import { createContext, useContext, useMemo, type ReactNode } from 'react';
import type { SwitchboardClient } from '../client/client.js';
import { resolveLocale, type Locale, type LocaleInput } from './i18n.js';

interface SwitchboardContextValue {
  client: SwitchboardClient;
  locale: Locale;
}

const SwitchboardContext = createContext<SwitchboardContextValue | null>(null);

export interface SwitchboardProviderProps {
  /** The client every widget inside uses to talk to the server. */
  client: SwitchboardClient;
  /** The language of the widgets inside, e.g. `zh` or `navigator.language`. Default English. */
  locale?: LocaleInput;
  children?: ReactNode;
}

/** Gives the widgets inside it a client of the Switchboard server and a language. */
export function SwitchboardProvider({ client, locale, children }: SwitchboardProviderProps) {
  const resolved = resolveLocale(locale);
  const value = useMemo(() => ({ client, locale: resolved }), [client, resolved]);
  return <SwitchboardContext.Provider value={value}>{children}</SwitchboardContext.Provider>;
}

function useSwitchboardContext(hook: string): SwitchboardContextValue {
  const value = useContext(SwitchboardContext);
  if (!value) {
    throw new Error(`${hook}() was called outside <SwitchboardProvider>. Wrap the Switchboard widgets in <SwitchboardProvider client={new SwitchboardClient({ baseUrl })}>.`);
  }
  return value;
}

/** The provider's client. Throws when there is no SwitchboardProvider above. */
export function useSwitchboardClient(): SwitchboardClient {
  return useSwitchboardContext('useSwitchboardClient').client;
}

/** The language for a widget: its own `locale` prop if given, else the provider's. */
export function useSwitchboardLocale(override?: LocaleInput): Locale {
  const provided = useSwitchboardContext('useSwitchboardLocale').locale;
  return override === undefined ? provided : resolveLocale(override);
}
