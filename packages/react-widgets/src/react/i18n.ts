/** The languages the widgets ship (DESIGN.md §7). */
export const SUPPORTED_LOCALES = ['en', 'zh', 'ja'] as const;

export type Locale = (typeof SUPPORTED_LOCALES)[number];

/** What a host may pass: one of ours, or any BCP 47 tag such as `navigator.language` (`zh-CN`, `ja-JP`, `en-GB`). */
export type LocaleInput = Locale | (string & {});

export const DEFAULT_LOCALE: Locale = 'en';

/**
 * The widget locale for a BCP 47 tag: its language if we ship it, else English.
 * Every Chinese tag maps to `zh` (Simplified Chinese, the only Chinese we ship yet).
 */
export function resolveLocale(input: LocaleInput | undefined): Locale {
  if (!input) return DEFAULT_LOCALE;
  const language = input.trim().toLowerCase().split(/[-_]/)[0];
  return (SUPPORTED_LOCALES as readonly string[]).includes(language ?? '') ? (language as Locale) : DEFAULT_LOCALE;
}

export interface ConnectionStatusMessages {
  /** The accessible name of the widget. */
  label: string;
  checking: string;
  connected: (version: string) => string;
  unreachable: string;
  refresh: string;
}

export interface WidgetMessages {
  connectionStatus: ConnectionStatusMessages;
}

/** Every string the widgets show, per locale. */
export const MESSAGES: Record<Locale, WidgetMessages> = {
  en: {
    connectionStatus: {
      label: 'Switchboard server connection',
      checking: 'Checking…',
      connected: (version) => `Connected (v${version})`,
      unreachable: 'Server unreachable',
      refresh: 'Refresh',
    },
  },
  zh: {
    connectionStatus: {
      label: 'Switchboard 服务器连接',
      checking: '正在检查…',
      connected: (version) => `已连接（v${version}）`,
      unreachable: '无法连接服务器',
      refresh: '刷新',
    },
  },
  ja: {
    connectionStatus: {
      label: 'Switchboard サーバー接続',
      checking: '確認中…',
      connected: (version) => `接続済み（v${version}）`,
      unreachable: 'サーバーに接続できません',
      refresh: '再確認',
    },
  },
};
