package dev.workspace.cli;

import dev.workspace.client.FailureKind;
import dev.workspace.client.WorkspaceException;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Waits for a client call from the command's thread, turning failures into {@link CliFailure}s with exit codes. */
final class Await {
  private Await() {
  }

  static <T> T of(Future<T> future, Duration limit, String what) throws CliFailure {
    try {
      return future.toCompletionStage().toCompletableFuture().get(limit.toMillis() + 1000, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new CliFailure(dev.workspace.server.cli.ExitCodes.TIMEOUT, what + ": no answer within "
          + limit.toMillis() + " ms");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliFailure(dev.workspace.server.cli.ExitCodes.FAILURE, what + ": interrupted");
    } catch (ExecutionException e) {
      throw CliFailure.of(what, e.getCause());
    }
  }

  /** A failure with the exit status it calls for. */
  static final class CliFailure extends Exception {
    private static final long serialVersionUID = 1L;
    final int exitCode;

    CliFailure(int exitCode, String message) {
      super(message);
      this.exitCode = exitCode;
    }

    static CliFailure of(String what, Throwable cause) {
      if (cause instanceof WorkspaceException we) {
        int code = switch (we.kind()) {
          case TIMEOUT -> dev.workspace.server.cli.ExitCodes.TIMEOUT;
          case UNAVAILABLE, DISCONNECTED -> dev.workspace.server.cli.ExitCodes.CONNECTION;
          case INVALID -> dev.workspace.server.cli.ExitCodes.USAGE;
          default -> dev.workspace.server.cli.ExitCodes.REFUSED;
        };
        return new CliFailure(code, what + ": " + we.kind().name().toLowerCase(java.util.Locale.ROOT) + ": "
            + we.getMessage());
      }
      return new CliFailure(dev.workspace.server.cli.ExitCodes.FAILURE, what + ": " + cause);
    }
  }
}
