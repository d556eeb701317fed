import { h, clear } from "./dom.js";
import { schedule } from "./frame.js";

/** Options of a {@link VirtualList}. */
export interface VirtualListOptions<T> {
  label: string;
  rowHeight: number;
  renderRow: (item: T, row: HTMLElement) => void;
  /** Called on every redraw while the view is near its top (to page history backwards; it must ignore repeats). */
  onNearTop?: () => void;
  onSelect?: (item: T) => void;
  /** Keeps the view at the bottom while it is there (a live tail); default true. */
  stick?: boolean;
}

/**
 * A list that keeps only the rows in view (and a few around them) in the DOM, whatever the number of items: rows of
 * a fixed height, placed by transform inside a spacer as tall as the whole list, redrawn once per frame.
 */
export class VirtualList<T> {
  readonly el: HTMLElement;
  private readonly spacer: HTMLElement;
  private readonly rows: HTMLElement[] = [];
  private readonly shown = new WeakMap<HTMLElement, T>();
  private items: readonly T[] = [];
  private prepended = 0;
  private atBottom = true;

  constructor(private readonly o: VirtualListOptions<T>) {
    this.spacer = h("div", { class: "vspacer" });
    this.el = h("div", { class: "vlist", role: "log", "aria-label": o.label, tabindex: "0" }, this.spacer);
    this.el.addEventListener("scroll", () => {
      this.atBottom = this.el.scrollTop + this.el.clientHeight >= this.el.scrollHeight - this.o.rowHeight;
      schedule(this);
    }, { passive: true });
    if (o.onSelect) {
      this.el.addEventListener("click", (ev) => {
        const row = (ev.target as HTMLElement).closest(".vrow") as HTMLElement | null;
        const item = row ? this.shown.get(row) : undefined;
        if (item !== undefined) o.onSelect?.(item);
      });
    }
  }

  /** Replaces the items; `prepended` says how many were added before the old first one (kept in view). */
  setItems(items: readonly T[], prepended = 0): void {
    this.items = items;
    this.prepended += prepended;
    schedule(this);
  }

  /** Redraws every row in view (after a change that is not a new item, such as a selection). */
  refresh(): void {
    for (const r of this.rows) this.shown.delete(r);
    schedule(this);
  }

  render(): void {
    const rh = this.o.rowHeight;
    const n = this.items.length;
    this.spacer.style.height = `${n * rh}px`;
    if (this.prepended) {
      this.el.scrollTop += this.prepended * rh;
      this.prepended = 0;
    }
    if (this.atBottom && this.o.stick !== false) this.el.scrollTop = this.el.scrollHeight;
    if (this.o.onNearTop && n > 0 && this.el.scrollTop < rh * 3) this.o.onNearTop();
    const view = this.el.clientHeight || 600;
    const first = Math.max(0, Math.floor(this.el.scrollTop / rh) - 5);
    const last = Math.min(n, Math.ceil((this.el.scrollTop + view) / rh) + 5);
    const count = Math.max(0, last - first);
    while (this.rows.length < count) {
      const r = h("div", { class: "vrow" });
      r.style.height = `${rh}px`;
      this.rows.push(r);
      this.spacer.appendChild(r);
    }
    while (this.rows.length > count) this.rows.pop()?.remove();
    for (let i = 0; i < count; i++) {
      const row = this.rows[i];
      const item = this.items[first + i];
      row.style.transform = `translateY(${(first + i) * rh}px)`;
      if (this.shown.get(row) !== item) {
        clear(row);
        row.className = "vrow";
        this.o.renderRow(item, row);
        this.shown.set(row, item);
      }
    }
  }
}
