package dev.workspace.server.core;

import dev.workspace.model.AckResult;
import dev.workspace.model.Event;
import dev.workspace.model.FrameCodec;
import java.util.List;

/**
 * Bounds a history page by bytes as well as by count, so that no single answer can pass a reader's outbound bound:
 * events are kept in the direction of travel (oldest first when paging forwards with {@code after}, newest first
 * otherwise) while their encoded size fits, and always at least one. A page cut short says {@code has_more}.
 */
final class HistoryPages {
  private HistoryPages() {
  }

  /**
   * @param channel the channel
   * @param page the page the broker read
   * @param forward whether the request paged forwards ({@code after} given)
   * @param maxBytes most bytes of encoded events
   * @return the {@code ack} result
   */
  static AckResult.History fit(String channel, HistoryPage page, boolean forward, long maxBytes) {
    List<Event> events = page.events();
    int n = events.size();
    long bytes = 0;
    int kept = 0;
    for (int i = 0; i < n; i++) {
      Event e = events.get(forward ? i : n - 1 - i);
      bytes += FrameCodec.DEFAULT.encodeEvent(e).getBytes(java.nio.charset.StandardCharsets.UTF_8).length + 1;
      if (kept > 0 && bytes > maxBytes) {
        break;
      }
      kept++;
    }
    boolean cut = kept < n;
    List<Event> fitted = !cut ? events : forward ? events.subList(0, kept) : events.subList(n - kept, n);
    return new AckResult.History(channel, page.epoch(), List.copyOf(fitted), page.hasMore() || cut,
        page.firstOffset(), page.lastOffset());
  }
}
