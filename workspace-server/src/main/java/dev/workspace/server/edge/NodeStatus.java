package dev.workspace.server.edge;

/**
 * What the operator endpoints report of a node's life: when it started and whether it is draining (stopping
 * gracefully, refusing new connections). Thread-safe.
 */
public final class NodeStatus {
  private final long startedAtMillis = System.currentTimeMillis();
  private final long startedAtNanos = System.nanoTime();
  private volatile boolean draining;

  /** Marks the node as draining: {@code /ready} answers 503 and new WebSocket connections are refused. */
  public void startDraining() {
    draining = true;
  }

  /** @return whether the node is stopping */
  public boolean draining() {
    return draining;
  }

  /** @return when the node started, in milliseconds since the epoch */
  public long startedAtMillis() {
    return startedAtMillis;
  }

  /** @return milliseconds since the node started */
  public long uptimeMillis() {
    return (System.nanoTime() - startedAtNanos) / 1_000_000;
  }
}
