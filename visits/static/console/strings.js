// The page's words, translated on the server (Django's gettext) and handed to
// the page's module as JSON (json_script: data, not a script, so the CSP holds).

const element = document.getElementById("console-strings");
const STRINGS = element ? JSON.parse(element.textContent) : {};

/** t("late_by", {minutes: 12}) -> the page's word with {name} filled in. */
export function t(key, values = {}) {
  const text = STRINGS[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (whole, name) =>
    name in values ? String(values[name]) : whole,
  );
}

/** The page's language, as the server rendered it ("zh-hans" or "en"). */
export function language() {
  return document.documentElement.lang || "zh-hans";
}
