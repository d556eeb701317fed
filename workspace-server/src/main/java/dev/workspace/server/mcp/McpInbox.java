package dev.workspace.server.mcp;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Predicate;

/**
 * The events waiting for one MCP session, bounded by count and by bytes. Each event gets a sequence number (1, 2,
 * ...), the cursor a client passes back as {@code after}. Reading does not remove: a client that lost an answer
 * reads again from its last cursor. When a bound is passed the oldest events are dropped, and a read whose
 * cursor lies before the oldest kept event reports how many it will never see. Not thread-safe: the session's
 * event loop owns it.
 */
final class McpInbox {
  /** One kept event. */
  record Entry(long seq, String eventId, String eventName, ObjectNode event, int bytes) {
  }

  /**
   * A read.
   *
   * @param entries the events after the cursor that passed the filter, oldest first
   * @param dropped events after the cursor that were dropped for the bounds before they could be read
   * @param cursor where the next read should start: the last returned sequence, else the cursor read from
   */
  record Read(List<Entry> entries, long dropped, long cursor) {
  }

  private final int maxEvents;
  private final long maxBytes;
  private final ArrayDeque<Entry> entries = new ArrayDeque<>();
  private long nextSeq = 1;
  private long bytes;
  private long delivered;
  private long droppedTotal;

  /**
   * @param maxEvents most events kept, at least 1
   * @param maxBytes most bytes kept, at least 1; an event larger than this on its own is still kept, alone
   */
  McpInbox(int maxEvents, long maxBytes) {
    this.maxEvents = maxEvents;
    this.maxBytes = maxBytes;
  }

  /**
   * Adds an event, dropping the oldest while a bound is passed.
   *
   * @param eventId its id
   * @param eventName its name
   * @param event the event as JSON
   * @param size its encoded size in bytes
   * @return its sequence number
   */
  long add(String eventId, String eventName, ObjectNode event, int size) {
    Entry e = new Entry(nextSeq++, eventId, eventName, event, size);
    entries.addLast(e);
    bytes += size;
    while (entries.size() > 1 && (entries.size() > maxEvents || bytes > maxBytes)) {
      Entry old = entries.removeFirst();
      bytes -= old.bytes();
      droppedTotal++;
    }
    return e.seq();
  }

  /**
   * Reads events after a cursor, filtered, at most {@code limit}, and moves the session's cursor to the last one.
   *
   * @param after the cursor, or {@code null} for the session's cursor (the last event a read returned)
   * @param filter which event names to return
   * @param limit most events
   * @return the read
   */
  Read read(Long after, Predicate<String> filter, int limit) {
    long from = after == null ? delivered : Math.max(0, after);
    long firstKept = entries.isEmpty() ? nextSeq : entries.peekFirst().seq();
    long dropped = Math.max(0, firstKept - 1 - from);
    List<Entry> out = new ArrayList<>();
    long cursor = from;
    for (Entry e : entries) {
      if (out.size() >= limit) {
        break;
      }
      if (e.seq() > from && filter.test(e.eventName())) {
        out.add(e);
        cursor = e.seq();
      }
    }
    if (dropped > 0 && out.isEmpty()) {
      cursor = Math.max(cursor, firstKept - 1);
    }
    delivered = Math.max(delivered, cursor);
    return new Read(out, dropped, cursor);
  }

  /**
   * @param after a sequence
   * @param limit most events
   * @return the kept events after it, oldest first, without moving the cursor
   */
  List<Entry> peek(long after, int limit) {
    List<Entry> out = new ArrayList<>();
    for (Entry e : entries) {
      if (out.size() >= limit) {
        break;
      }
      if (e.seq() > after) {
        out.add(e);
      }
    }
    return out;
  }

  /**
   * @param after a cursor, or {@code null} for the session's
   * @param filter which event names count
   * @return whether a read from there would return something (or report a drop)
   */
  boolean hasAfter(Long after, Predicate<String> filter) {
    long from = after == null ? delivered : Math.max(0, after);
    long firstKept = entries.isEmpty() ? nextSeq : entries.peekFirst().seq();
    if (firstKept - 1 > from) {
      return true;
    }
    Iterator<Entry> it = entries.descendingIterator();
    while (it.hasNext()) {
      Entry e = it.next();
      if (e.seq() <= from) {
        return false;
      }
      if (filter.test(e.eventName())) {
        return true;
      }
    }
    return false;
  }

  /**
   * @param eventId an event id
   * @return the kept event with that id, or {@code null}
   */
  Entry find(String eventId) {
    Iterator<Entry> it = entries.descendingIterator();
    while (it.hasNext()) {
      Entry e = it.next();
      if (e.eventId() != null && e.eventId().equals(eventId)) {
        return e;
      }
    }
    return null;
  }

  /** @return the session's cursor: the last sequence a read returned (0 before any) */
  long cursor() {
    return delivered;
  }

  /** @return the last sequence given (0 before any event) */
  long lastSeq() {
    return nextSeq - 1;
  }

  /** @return events kept */
  int size() {
    return entries.size();
  }

  /** @return bytes kept */
  long bytes() {
    return bytes;
  }

  /** @return events dropped for the bounds since the session began */
  long droppedTotal() {
    return droppedTotal;
  }
}
