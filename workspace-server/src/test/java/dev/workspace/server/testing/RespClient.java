package dev.workspace.server.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A blocking Redis client for tests, independent of the server's client: sends a command, reads one RESP2 reply.
 * Replies come back as {@code String} (simple and bulk strings), {@code Long}, {@code List<Object>} or
 * {@code null}; an error reply throws.
 */
public final class RespClient implements AutoCloseable {
  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  private RespClient(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new BufferedInputStream(socket.getInputStream());
    this.out = socket.getOutputStream();
  }

  /**
   * @param port a Redis port on loopback
   * @return a connected client
   * @throws UncheckedIOException when nothing answers
   */
  public static RespClient connect(int port) {
    try {
      Socket s = new Socket();
      s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
      s.setSoTimeout(10_000);
      return new RespClient(s);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Sends a command and reads its reply.
   *
   * @param args the command and its arguments
   * @return the reply
   */
  public Object call(String... args) {
    try {
      write(args);
      return read();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** @return a command's reply as a number */
  public long number(String... args) {
    return (Long) call(args);
  }

  /**
   * Turns this connection into a MONITOR stream: every command Redis runs (those of scripts too) is appended to
   * the returned list by a daemon thread until {@link #close()}.
   *
   * @return the live list of monitor lines
   */
  public List<String> monitor() {
    List<String> lines = new CopyOnWriteArrayList<>();
    Object ok = call("MONITOR");
    if (!"OK".equals(ok)) {
      throw new IllegalStateException("MONITOR answered " + ok);
    }
    try {
      socket.setSoTimeout(0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Thread t = new Thread(() -> {
      try {
        while (true) {
          Object line = read();
          lines.add(String.valueOf(line));
        }
      } catch (IOException | RuntimeException closed) {
        // The connection was closed.
      }
    }, "redis-monitor");
    t.setDaemon(true);
    t.start();
    return lines;
  }

  private void write(String... args) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write(("*" + args.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
    for (String a : args) {
      byte[] bytes = a.getBytes(StandardCharsets.UTF_8);
      b.write(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
      b.write(bytes);
      b.write("\r\n".getBytes(StandardCharsets.US_ASCII));
    }
    out.write(b.toByteArray());
    out.flush();
  }

  private Object read() throws IOException {
    int type = in.read();
    if (type < 0) {
      throw new IOException("connection closed");
    }
    String line = readLine();
    switch (type) {
      case '+':
        return line;
      case '-':
        throw new IllegalStateException("Redis error: " + line);
      case ':':
        return Long.parseLong(line);
      case '$': {
        int n = Integer.parseInt(line);
        if (n < 0) {
          return null;
        }
        byte[] data = in.readNBytes(n + 2);
        return new String(data, 0, n, StandardCharsets.UTF_8);
      }
      case '*': {
        int n = Integer.parseInt(line);
        if (n < 0) {
          return null;
        }
        List<Object> items = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          items.add(read());
        }
        return items;
      }
      default:
        throw new IOException("unexpected reply type " + (char) type);
    }
  }

  private String readLine() throws IOException {
    StringBuilder sb = new StringBuilder();
    int c;
    while ((c = in.read()) >= 0) {
      if (c == '\r') {
        in.read();
        return sb.toString();
      }
      sb.append((char) c);
    }
    throw new IOException("connection closed");
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // Already closed.
    }
  }
}
