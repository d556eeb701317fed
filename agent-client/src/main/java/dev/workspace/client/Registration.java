package dev.workspace.client;

import io.vertx.core.Future;
import java.util.List;

/**
 * An event handler registered with {@link AgentClient#registerEventHandler}.
 */
public interface Registration {
  /** @return the patterns the handler was registered for */
  List<String> patterns();

  /**
   * Removes the handler: it receives no event dispatched after this call runs on the client's context. Patterns that
   * no other handler needs, and that are neither in the options' initial subscriptions nor subscribed with
   * {@link AgentClient#subscribe}, are unsubscribed on the server. Calling it again does nothing.
   *
   * @return completes when the server acknowledged the unsubscribe (at once when there was none to send, or while
   *     not connected)
   */
  Future<Void> unregister();
}
