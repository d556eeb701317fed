/** Something drawn from its state: `render` runs at most once per animation frame, however often it was marked. */
export interface Renderable {
  render(): void;
}

const dirty = new Set<Renderable>();
let pending = false;

function flush(): void {
  pending = false;
  const now = [...dirty];
  dirty.clear();
  for (const r of now) {
    try {
      r.render();
    } catch (e) {
      console.error("render failed", e);
    }
  }
}

/** Marks a view for the next animation frame. */
export function schedule(r: Renderable): void {
  dirty.add(r);
  if (!pending) {
    pending = true;
    requestAnimationFrame(flush);
  }
}
