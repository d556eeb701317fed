package dev.workspace.server;

import java.time.Duration;
import java.util.Objects;

/** Argument checks shared by the option groups; each message names the option. */
final class Checks {
  private Checks() {
  }

  static int positive(String name, int value) {
    return atLeast(name, value, 1);
  }

  static int atLeast(String name, int value, int min) {
    if (value < min) {
      throw new IllegalArgumentException(name + " must be at least " + min + ", was " + value);
    }
    return value;
  }

  static Duration positive(String name, Duration value) {
    Objects.requireNonNull(value, name);
    if (value.isZero() || value.isNegative()) {
      throw new IllegalArgumentException(name + " must be positive, was " + value);
    }
    return value;
  }

  static Duration notNegative(String name, Duration value) {
    Objects.requireNonNull(value, name);
    if (value.isNegative()) {
      throw new IllegalArgumentException(name + " must not be negative, was " + value);
    }
    return value;
  }
}
