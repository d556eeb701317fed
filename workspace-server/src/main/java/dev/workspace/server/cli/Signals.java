package dev.workspace.server.cli;

import java.util.concurrent.atomic.AtomicBoolean;
import sun.misc.Signal;

/** Runs an action once on SIGTERM or SIGINT, in place of the JVM's immediate exit. */
final class Signals {
  private Signals() {
  }

  static void onTermination(Runnable action) {
    AtomicBoolean once = new AtomicBoolean();
    for (String name : new String[] {"TERM", "INT"}) {
      Signal.handle(new Signal(name), s -> {
        if (once.compareAndSet(false, true)) {
          action.run();
        }
      });
    }
  }
}
