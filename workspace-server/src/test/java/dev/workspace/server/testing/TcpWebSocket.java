package dev.workspace.server.testing;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client on a plain blocking TCP socket, for tests that need what a library client never does: a peer
 * that writes frames and does not read, frames with reserved bits, arbitrary control frames, all in one write.
 * Reads take at most {@link RawClient#WAIT} each. Test threads only.
 */
public final class TcpWebSocket implements AutoCloseable {
  /** Opcodes. */
  public static final int CONTINUATION = 0x0;
  public static final int TEXT = 0x1;
  public static final int BINARY = 0x2;
  public static final int CLOSE = 0x8;
  public static final int PING = 0x9;
  public static final int PONG = 0xA;

  /** A frame the server sent. */
  public record Frame(int opcode, boolean fin, byte[] payload) {
    /** @return the payload as UTF-8 text */
    public String text() {
      return new String(payload, StandardCharsets.UTF_8);
    }

    /** @return the status code of a close frame, or -1 when it has none */
    public int closeCode() {
      return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : -1;
    }
  }

  private final Socket socket;
  private final OutputStream out;
  private final DataInputStream in;

  private TcpWebSocket(Socket socket, InputStream in) throws IOException {
    this.socket = socket;
    this.out = socket.getOutputStream();
    this.in = new DataInputStream(in);
  }

  /**
   * Opens {@code /ws} on loopback and completes the upgrade.
   *
   * @param port the server's port
   * @param receiveBuffer the socket's receive buffer in bytes, or 0 for the system's
   * @return the open WebSocket
   */
  public static TcpWebSocket open(int port, int receiveBuffer) {
    return open(port, "/ws", Map.of(), receiveBuffer);
  }

  /**
   * Opens a WebSocket on loopback and completes the upgrade.
   *
   * @param port the server's port
   * @param uri path and query
   * @param headers more request headers
   * @param receiveBuffer the socket's receive buffer in bytes, or 0 for the system's
   * @return the open WebSocket
   * @throws AssertionError when the server does not answer 101
   */
  public static TcpWebSocket open(int port, String uri, Map<String, String> headers, int receiveBuffer) {
    try {
      Socket s = new Socket();
      if (receiveBuffer > 0) {
        s.setReceiveBufferSize(receiveBuffer);
      }
      s.setSoTimeout((int) RawClient.WAIT.toMillis());
      s.connect(new InetSocketAddress("127.0.0.1", port), (int) RawClient.WAIT.toMillis());
      byte[] nonce = new byte[16];
      ThreadLocalRandom.current().nextBytes(nonce);
      StringBuilder req = new StringBuilder("GET " + uri + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
          + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: "
          + Base64.getEncoder().encodeToString(nonce) + "\r\n");
      headers.forEach((k, v) -> req.append(k).append(": ").append(v).append("\r\n"));
      req.append("\r\n");
      s.getOutputStream().write(req.toString().getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
      InputStream in = s.getInputStream();
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      int matched = 0;
      while (matched < 4) {
        int b = in.read();
        if (b < 0) {
          throw new AssertionError("connection closed during the upgrade: " + head);
        }
        head.write(b);
        matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
      }
      String status = head.toString(StandardCharsets.US_ASCII);
      if (!status.startsWith("HTTP/1.1 101")) {
        s.close();
        throw new AssertionError("upgrade refused: " + status.lines().findFirst().orElse(""));
      }
      return new TcpWebSocket(s, in);
    } catch (IOException e) {
      throw new AssertionError("could not open a WebSocket", e);
    }
  }

  /**
   * Encodes one masked client frame.
   *
   * @param opcode the opcode
   * @param fin the FIN bit
   * @param rsv the three reserved bits, 0 to 7
   * @param payload the payload
   * @return the frame's bytes
   */
  public static byte[] frame(int opcode, boolean fin, int rsv, byte[] payload) {
    ByteArrayOutputStream f = new ByteArrayOutputStream(payload.length + 14);
    f.write((fin ? 0x80 : 0) | (rsv << 4) | opcode);
    if (payload.length < 126) {
      f.write(0x80 | payload.length);
    } else if (payload.length < 65536) {
      f.write(0x80 | 126);
      f.write(payload.length >>> 8);
      f.write(payload.length & 0xff);
    } else {
      f.write(0x80 | 127);
      for (int i = 7; i >= 0; i--) {
        f.write((int) ((long) payload.length >>> (8 * i)) & 0xff);
      }
    }
    byte[] mask = new byte[4];
    ThreadLocalRandom.current().nextBytes(mask);
    f.write(mask, 0, 4);
    for (int i = 0; i < payload.length; i++) {
      f.write(payload[i] ^ mask[i & 3]);
    }
    return f.toByteArray();
  }

  /** @return a final, masked text frame */
  public static byte[] text(String text) {
    return frame(TEXT, true, 0, text.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Writes bytes as they are, in one write.
   *
   * @throws IOException when the connection is gone
   */
  public void write(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  /**
   * Reads the next frame.
   *
   * @return the frame, or {@code null} when the server closed the TCP connection (or reset it) before one
   * @throws AssertionError when nothing arrives within {@link RawClient#WAIT}
   */
  public Frame read() {
    try {
      int b0 = in.read();
      if (b0 < 0) {
        return null;
      }
      int b1 = in.readUnsignedByte();
      long length = b1 & 0x7f;
      if (length == 126) {
        length = in.readUnsignedShort();
      } else if (length == 127) {
        length = in.readLong();
      }
      if ((b1 & 0x80) != 0) {
        throw new AssertionError("the server masked a frame");
      }
      if (length > 64L * 1024 * 1024) {
        throw new AssertionError("frame of " + length + " bytes");
      }
      byte[] payload = new byte[(int) length];
      in.readFully(payload);
      return new Frame(b0 & 0x0f, (b0 & 0x80) != 0, payload);
    } catch (SocketTimeoutException e) {
      throw new AssertionError("no frame within " + RawClient.WAIT.toMillis() + " ms");
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * Reads frames up to and including the server's close frame, or until the connection ends without one.
   *
   * @return every frame read, in order
   */
  public List<Frame> readToClose() {
    List<Frame> frames = new ArrayList<>();
    Frame f;
    while ((f = read()) != null) {
      frames.add(f);
      if (f.opcode() == CLOSE) {
        break;
      }
    }
    return frames;
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // already closed
    }
  }
}
