package dev.workspace.server.core;

import java.util.List;

/**
 * The delivery batches one thread dispatched to the sessions of one event loop during one turn of its own event
 * loop, in the order they were dispatched: the message the router sends over the Vert.x event bus. It travels with
 * a local codec, so the frame bytes are shared, never copied or encoded again.
 *
 * @param batches the batches, oldest first; never empty
 */
public record DeliveryTurn(List<DeliveryBatch> batches) {
  /**
   * @param batches the batches, oldest first
   */
  public DeliveryTurn {
    if (batches.isEmpty()) {
      throw new IllegalArgumentException("a delivery turn holds at least one batch");
    }
  }
}
