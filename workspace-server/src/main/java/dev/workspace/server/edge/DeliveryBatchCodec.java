package dev.workspace.server.edge;

import dev.workspace.server.core.DeliveryBatch;
import dev.workspace.server.core.LocalSessions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;

/**
 * The local event-bus codec of {@link DeliveryBatch}: it hands the same object (and the same encoded bytes) to the
 * consumer. Batches never leave the process, so the wire methods refuse.
 */
public final class DeliveryBatchCodec implements MessageCodec<DeliveryBatch, DeliveryBatch> {
  @Override
  public void encodeToWire(Buffer buffer, DeliveryBatch batch) {
    throw new UnsupportedOperationException("delivery batches are local to a node");
  }

  @Override
  public DeliveryBatch decodeFromWire(int pos, Buffer buffer) {
    throw new UnsupportedOperationException("delivery batches are local to a node");
  }

  @Override
  public DeliveryBatch transform(DeliveryBatch batch) {
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
