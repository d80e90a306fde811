/**
 * The widgets' default stylesheet. Every colour, size and font comes from a `--sb-…`
 * custom property with a default after the comma, so a host themes the widgets by
 * setting the properties on any ancestor (`:root`, its layout, a wrapper) without
 * overriding these rules. Selectors sit inside `:where()` to keep their specificity
 * at zero: any rule of the host wins.
 *
 * Shipped as a string rather than a .css file so it works with every bundler and
 * with server rendering without a CSS loader: put it in a `<style>` element.
 */
export const switchboardStyles = `
:where(.sb-widget) {
  box-sizing: border-box;
  font-family: var(--sb-font-family, system-ui, -apple-system, "Segoe UI", "PingFang SC", "Hiragino Sans", "Noto Sans CJK SC", sans-serif);
  font-size: var(--sb-font-size, 14px);
  line-height: 1.4;
  color: var(--sb-color-text, #1f2328);
  background: var(--sb-color-surface, #ffffff);
  border: 1px solid var(--sb-color-border, #d0d7de);
  border-radius: var(--sb-radius, 6px);
}
:where(.sb-widget) *, :where(.sb-widget) *::before, :where(.sb-widget) *::after { box-sizing: inherit; }

:where(.sb-button) {
  font: inherit;
  color: var(--sb-button-text, #1f2328);
  background: var(--sb-button-background, #f6f8fa);
  border: 1px solid var(--sb-color-border, #d0d7de);
  border-radius: var(--sb-radius, 6px);
  padding: 2px var(--sb-spacing, 8px);
  cursor: pointer;
}
:where(.sb-button:hover) { background: var(--sb-button-background-hover, #eaeef2); }
:where(.sb-button:focus-visible) { outline: 2px solid var(--sb-color-focus, #0969da); outline-offset: 2px; }

:where(.sb-connection-status) {
  display: inline-flex;
  align-items: center;
  gap: var(--sb-spacing, 8px);
  padding: calc(var(--sb-spacing, 8px) / 2) var(--sb-spacing, 8px);
}
:where(.sb-connection-status__indicator) {
  width: 0.6em;
  height: 0.6em;
  border-radius: 50%;
  flex: none;
  background: var(--sb-color-pending, #9a6700);
}
:where(.sb-connection-status[data-state="connected"] .sb-connection-status__indicator) { background: var(--sb-color-success, #1a7f37); }
:where(.sb-connection-status[data-state="unreachable"] .sb-connection-status__indicator) { background: var(--sb-color-danger, #cf222e); }
`;

/** The custom properties the stylesheet reads, for documentation and theming tools. */
export const THEME_VARIABLES = [
  '--sb-font-family',
  '--sb-font-size',
  '--sb-color-text',
  '--sb-color-surface',
  '--sb-color-border',
  '--sb-color-focus',
  '--sb-color-success',
  '--sb-color-danger',
  '--sb-color-pending',
  '--sb-radius',
  '--sb-spacing',
  '--sb-button-text',
  '--sb-button-background',
  '--sb-button-background-hover',
] as const;
