package dev.workspace.server.edge;

import dev.workspace.server.core.DeliveryTurn;
import dev.workspace.server.core.LocalSessions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;

/**
 * The local event-bus codec of {@link DeliveryTurn}, the delivery batches bound for one event loop: it hands the
 * same object (and the same encoded bytes) to the consumer. Batches never leave the process, so the wire methods
 * refuse.
 */
public final class DeliveryBatchCodec implements MessageCodec<DeliveryTurn, DeliveryTurn> {
  @Override
  public void encodeToWire(Buffer buffer, DeliveryTurn batch) {
    throw new UnsupportedOperationException("delivery batches are local to a node");
  }

  @Override
  public DeliveryTurn decodeFromWire(int pos, Buffer buffer) {
    throw new UnsupportedOperationException("delivery batches are local to a node");
  }

  @Override
  public DeliveryTurn transform(DeliveryTurn batch) {
    return batch;
  }

  @Override
  public String name() {
    return LocalSessions.CODEC;
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
