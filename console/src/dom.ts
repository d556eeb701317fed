/**
 * DOM building without HTML parsing: every string becomes a text node or an attribute value, so nothing from an
 * event payload can turn into markup or script. Event-handler attributes are refused outright.
 */
export type Child = Node | string | number | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Record<string, string | undefined> | null,
    ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === undefined) continue;
      if (/^on/i.test(k) || k === "style") throw new Error(`attribute ${k} is not set by the console`);
      el.setAttribute(k, v);
    }
  }
  append(el, ...children);
  return el;
}

export function append(el: Node, ...children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.appendChild(typeof c === "string" || typeof c === "number" ? document.createTextNode(String(c)) : c);
  }
}

export function clear(el: Node): void {
  while (el.firstChild) el.removeChild(el.firstChild);
}

/** Text with each `@agent-id` in a highlighted span; `self` marks mentions of the console's own id. */
export function mentionText(text: string, self: string | undefined): DocumentFragment {
  const f = document.createDocumentFragment();
  const re = /(^|[^A-Za-z0-9_.-])@([A-Za-z0-9][A-Za-z0-9_.-]*[A-Za-z0-9]|[A-Za-z0-9])/g;
  let at = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const start = m.index + m[1].length;
    f.appendChild(document.createTextNode(text.slice(at, start)));
    f.appendChild(h("span", { class: m[2] === self ? "mention self" : "mention" }, `@${m[2]}`));
    at = start + 1 + m[2].length;
  }
  f.appendChild(document.createTextNode(text.slice(at)));
  return f;
}

/** A value as indented JSON text (for a `pre`), cut at `max` characters. */
export function jsonText(value: unknown, max = 20_000): string {
  let s: string;
  try {
    s = typeof value === "string" ? value : JSON.stringify(value, null, 2) ?? String(value);
  } catch {
    s = String(value);
  }
  return s.length > max ? `${s.slice(0, max)}… (${s.length - max} more characters)` : s;
}

/** A value as one line of JSON, cut at `max` characters. */
export function oneLine(value: unknown, max = 300): string {
  let s: string;
  try {
    s = JSON.stringify(value) ?? "";
  } catch {
    s = String(value);
  }
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

export function clock(ms: number | undefined): string {
  if (!ms) return "";
  const d = new Date(ms);
  const p = (n: number, w = 2) => String(n).padStart(w, "0");
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

export function textOf(e: { payload?: Record<string, unknown> }): string {
  const t = e.payload?.text;
  return typeof t === "string" ? t : oneLine(e.payload ?? {});
}
