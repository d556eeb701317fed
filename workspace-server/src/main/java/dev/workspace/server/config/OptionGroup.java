package dev.workspace.server.config;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the getter of a group of options on {@code ServerOptions}: the group's name is the key of its object in a
 * configuration file ({@code {"limits": {"maxFrameSize": 65536}}}) and its heading in {@code docs/CONFIGURATION.md}.
 * The getter's return type holds the group's {@link Setting} setters.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface OptionGroup {
  /** @return the group's key in a configuration file, lower camel case */
  String name();

  /** @return one sentence saying what the group holds */
  String description();
}
