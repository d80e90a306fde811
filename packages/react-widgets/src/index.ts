// The public API of @switchboard/react-widgets.
export { SwitchboardClient, type SwitchboardClientOptions, type RequestOptions } from './client/client.js';
export { SwitchboardApiError, isSwitchboardApiError } from './client/errors.js';
export type { CurrentUser, ErrorCode, FieldIssue, HealthStatus, HttpMethod, LoginRequest, LoginResponse, Problem, SwitchboardUser } from './client/types.js';
export { SwitchboardProvider, useSwitchboardClient, useSwitchboardLocale, type SwitchboardProviderProps } from './react/provider.js';
export { ConnectionStatus, type ConnectionStatusProps } from './react/connection-status.js';
export {
  SUPPORTED_LOCALES,
  DEFAULT_LOCALE,
  MESSAGES,
  resolveLocale,
  type Locale,
  type LocaleInput,
  type WidgetMessages,
  type ConnectionStatusMessages,
} from './react/i18n.js';
export { switchboardStyles, THEME_VARIABLES } from './react/styles.js';
