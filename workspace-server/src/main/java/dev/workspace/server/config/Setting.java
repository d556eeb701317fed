package dev.workspace.server.config;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the setter of a server option. An annotated setter is all an option needs to be read from a configuration
 * file, a {@code WORKSPACE_*} environment variable and a command-line flag, printed by {@code workspace config},
 * and listed in {@code docs/CONFIGURATION.md}.
 *
 * <p>From {@link #name()} ({@code max-frame-size}) come the flag {@code --max-frame-size}, the environment variable
 * {@code WORKSPACE_MAX_FRAME_SIZE} and the file key {@code maxFrameSize} inside the option's group
 * ({@code limits.maxFrameSize}). The setter takes one argument of type {@code int}, {@code long}, {@code boolean},
 * {@code String}, {@link java.time.Duration}, an enum, or {@code List<String>}; its getter is the matching
 * {@code get}/{@code is} method.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Setting {
  /** @return the option's name in kebab case, unique across every group */
  String name();

  /** @return one sentence saying what the option does */
  String description();

  /** @return the unit of a number ({@code bytes}, {@code events}, ...), empty when it has none */
  String unit() default "";

  /** @return how the default is shown when it depends on the machine or is absent; empty shows the value */
  String defaultText() default "";

  /** @return further flag names accepted for the option, each with its leading dashes */
  String[] aliases() default {};

  /**
   * @return whether the value is secret: it is masked when printed or logged, and it has no flag (so it stays out
   *     of process lists); it can also be read from a file ({@code --NAME-file}, {@code WORKSPACE_NAME_FILE},
   *     {@code nameFile})
   */
  boolean secret() default false;

  /**
   * @return whether the value can also be read from a file ({@code --NAME-file}, {@code WORKSPACE_NAME_FILE},
   *     {@code nameFile} in a configuration file)
   */
  boolean fromFile() default false;

  /** @return whether the value is a URI whose user information (a password) is masked when printed */
  boolean uriWithPassword() default false;
}
