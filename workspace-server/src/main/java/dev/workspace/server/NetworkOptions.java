package dev.workspace.server;

import dev.workspace.server.config.Setting;
import java.util.Objects;

/** Where a node listens. Setters check their argument and return {@code this}. */
public final class NetworkOptions {
  /** Default listening port. */
  public static final int DEFAULT_PORT = 8700;
  /** Default listening address: loopback, since the default authentication mode is none. */
  public static final String DEFAULT_HOST = "127.0.0.1";
  /** Whether the web console is served by default. */
  public static final boolean DEFAULT_CONSOLE = true;
  /** Whether a node's own Vert.x runs on the operating system's native transport (epoll on Linux) by default. */
  public static final boolean DEFAULT_NATIVE_TRANSPORT = true;

  private int port = DEFAULT_PORT;
  private String host = DEFAULT_HOST;
  private int instances = Math.max(1, Runtime.getRuntime().availableProcessors());
  private boolean console = DEFAULT_CONSOLE;
  private boolean nativeTransport = DEFAULT_NATIVE_TRANSPORT;

  /** Options with every default. */
  public NetworkOptions() {
  }

  /** @param other the options to copy */
  public NetworkOptions(NetworkOptions other) {
    this.port = other.port;
    this.host = other.host;
    this.instances = other.instances;
    this.console = other.console;
    this.nativeTransport = other.nativeTransport;
  }

  /** @return the listening port (0 picks a free one); default {@value #DEFAULT_PORT} */
  public int getPort() {
    return port;
  }

  /** @param port the listening port, 0 to 65535 (0 picks a free one) */
  @Setting(name = "port", description = "TCP port of WebSocket /ws and HTTP; 0 picks a free one")
  public NetworkOptions setPort(int port) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0-65535, was " + port);
    }
    this.port = port;
    return this;
  }

  /** @return the listening address; default {@value #DEFAULT_HOST} */
  public String getHost() {
    return host;
  }

  /** @param host the listening address */
  @Setting(name = "host", description = "address to listen on; 0.0.0.0 for every interface (then use tokens)")
  public NetworkOptions setHost(String host) {
    this.host = Objects.requireNonNull(host, "host");
    return this;
  }

  /** @return server verticle instances, one per event loop; default the number of processors */
  public int getInstances() {
    return instances;
  }

  /** @param instances server verticle instances, at least 1 */
  @Setting(name = "instances", description = "server verticles, one per event loop", defaultText = "one per processor")
  public NetworkOptions setInstances(int instances) {
    this.instances = Checks.positive("instances", instances);
    return this;
  }

  /** @return whether the web console is served at {@code GET /console}; default {@value #DEFAULT_CONSOLE} */
  public boolean isConsole() {
    return console;
  }

  /** @param console whether to serve the web console at {@code GET /console} (behind tokens in token mode) */
  @Setting(name = "console", description = "serve the web console at GET /console (in token mode it asks for a "
      + "token); false turns it off")
  public NetworkOptions setConsole(boolean console) {
    this.console = console;
    return this;
  }

  /**
   * @return whether a node that starts its own Vert.x runs it on the native transport when the platform has one;
   *     default {@value #DEFAULT_NATIVE_TRANSPORT}
   */
  public boolean isNativeTransport() {
    return nativeTransport;
  }

  /** @param nativeTransport whether to run on the native transport (epoll on Linux) when available, else Java NIO */
  @Setting(name = "native-transport", description = "run on the operating system's native transport (epoll on "
      + "Linux) when it loads, Java NIO otherwise; false always uses Java NIO")
  public NetworkOptions setNativeTransport(boolean nativeTransport) {
    this.nativeTransport = nativeTransport;
    return this;
  }
}
