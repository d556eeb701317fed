package dev.workspace.server.core;

import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.UUID;

/**
 * The ids the server gives events: random (version 4) UUIDs in their usual text form, as unpredictable as
 * {@link UUID#randomUUID()}'s, drawn from a {@code DRBG} {@link SecureRandom} of the calling thread in blocks of
 * {@value #PER_BLOCK} ids. {@code UUID.randomUUID()} takes the one shared generator's lock and mixes in the
 * operating system's randomness for every id, which a busy publisher paid per event.
 */
final class EventIds {
  private static final int PER_BLOCK = 64;
  private static final ThreadLocal<Block> BLOCKS = ThreadLocal.withInitial(Block::new);

  private static final class Block {
    final SecureRandom random;
    final byte[] bytes = new byte[16 * PER_BLOCK];
    int next = PER_BLOCK;

    Block() {
      SecureRandom r;
      try {
        r = SecureRandom.getInstance("DRBG");
      } catch (NoSuchAlgorithmException e) {
        r = new SecureRandom();
      }
      random = r;
    }
  }

  private EventIds() {
  }

  /** @return a new random UUID in its usual text form */
  static String next() {
    Block b = BLOCKS.get();
    if (b.next == PER_BLOCK) {
      b.random.nextBytes(b.bytes);
      b.next = 0;
    }
    int at = 16 * b.next++;
    long msb = 0;
    long lsb = 0;
    for (int i = 0; i < 8; i++) {
      msb = (msb << 8) | (b.bytes[at + i] & 0xff);
      lsb = (lsb << 8) | (b.bytes[at + 8 + i] & 0xff);
    }
    msb = (msb & ~0xf000L) | 0x4000L;
    lsb = (lsb & 0x3fffffffffffffffL) | 0x8000000000000000L;
    return new UUID(msb, lsb).toString();
  }
}
