import { cleanup, renderHook } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SwitchboardClient } from '../client/client.js';
import { resolveLocale } from './i18n.js';
import { SwitchboardProvider, useSwitchboardClient, useSwitchboardLocale } from './provider.js';

afterEach(cleanup);

describe('SwitchboardProvider', () => {
  it('gives the widgets inside it its client', () => {
    const client = new SwitchboardClient({ baseUrl: 'http://127.0.0.1:1' });
    const wrapper = ({ children }: { children: ReactNode }) => <SwitchboardProvider client={client}>{children}</SwitchboardProvider>;
    const { result } = renderHook(() => useSwitchboardClient(), { wrapper });
    expect(result.current).toBe(client);
  });

  it('useSwitchboardClient outside a provider throws an error that says what to do', () => {
    // React reports the render error on the console as well; keep the test output readable.
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      expect(() => renderHook(() => useSwitchboardClient())).toThrow(/useSwitchboardClient\(\) was called outside <SwitchboardProvider>/);
    } finally {
      quiet.mockRestore();
    }
  });

  it('a widget locale overrides the provider locale; English by default', () => {
    const client = new SwitchboardClient({ baseUrl: 'http://127.0.0.1:1' });
    const plain = ({ children }: { children: ReactNode }) => <SwitchboardProvider client={client}>{children}</SwitchboardProvider>;
    expect(renderHook(() => useSwitchboardLocale(), { wrapper: plain }).result.current).toBe('en');
    const japanese = ({ children }: { children: ReactNode }) => (
      <SwitchboardProvider client={client} locale="ja-JP">
        {children}
      </SwitchboardProvider>
    );
    expect(renderHook(() => useSwitchboardLocale(), { wrapper: japanese }).result.current).toBe('ja');
    expect(renderHook(() => useSwitchboardLocale('zh-Hant-TW'), { wrapper: japanese }).result.current).toBe('zh');
  });
});

describe('resolveLocale', () => {
  it('maps BCP 47 tags to the languages shipped and falls back to English', () => {
    expect(resolveLocale('zh_CN')).toBe('zh');
    expect(resolveLocale('JA')).toBe('ja');
    expect(resolveLocale('en-GB')).toBe('en');
    expect(resolveLocale('fr-FR')).toBe('en');
    expect(resolveLocale('')).toBe('en');
    expect(resolveLocale(undefined)).toBe('en');
  });
});
