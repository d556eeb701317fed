package dev.workspace.client.e2e;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** Waiting helpers for end-to-end tests (test thread only, always bounded). */
final class E2E {
  static final Duration WAIT = Duration.ofSeconds(10);

  private E2E() {
  }

  static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new AssertionError("failed: " + e.getCause(), e.getCause());
    } catch (Exception e) {
      throw new AssertionError("no result within " + WAIT.toMillis() + " ms", e);
    }
  }

  static Throwable failure(Future<?> f) {
    try {
      f.toCompletionStage().toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (Exception e) {
      throw new AssertionError("no result within " + WAIT.toMillis() + " ms", e);
    }
    throw new AssertionError("expected a failure");
  }
}
