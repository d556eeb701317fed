package dev.workspace.server.mcp;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspace.model.FrameCodec;
import dev.workspace.server.testing.RawClient;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Raw HTTP to {@code /mcp}, for the status codes and bodies a real MCP client sees. */
final class McpHttp implements AutoCloseable {
  static final Map<String, String> JSON_HEADERS = Map.of("content-type", "application/json",
      "accept", "application/json, text/event-stream");

  /** One answer, read to its end. */
  record Answer(int status, MultiMap headers, String body) {
    ObjectNode json() {
      return FrameCodec.DEFAULT.parseObject(body);
    }

    /** @return the JSON-RPC messages of an SSE body, or the one JSON body */
    List<ObjectNode> messages() {
      List<ObjectNode> out = new ArrayList<>();
      if (!String.valueOf(headers.get("content-type")).startsWith("text/event-stream")) {
        out.add(json());
        return out;
      }
      for (String line : body.split("\n")) {
        if (line.startsWith("data: ")) {
          out.add(FrameCodec.DEFAULT.parseObject(line.substring(6)));
        }
      }
      return out;
    }

    /** @return the last message: the answer */
    ObjectNode answer() {
      List<ObjectNode> m = messages();
      return m.get(m.size() - 1);
    }

    int errorCode() {
      return json().path("error").path("code").asInt();
    }
  }

  private final HttpClient client;
  private final int port;

  McpHttp(Vertx vertx, int port) {
    this.client = vertx.createHttpClient();
    this.port = port;
  }

  Answer send(HttpMethod method, Map<String, String> headers, String body) {
    RequestOptions options = new RequestOptions().setHost("127.0.0.1").setPort(port).setMethod(method).setURI("/mcp");
    headers.forEach(options::addHeader);
    return RawClient.await(client.request(options).compose(req -> (body == null ? req.send()
        : req.send(Buffer.buffer(body))).compose((HttpClientResponse resp) -> resp.body()
        .map(b -> new Answer(resp.statusCode(), resp.headers(), b.toString())))));
  }

  /** Opens a GET stream and returns its response (headers only; the body streams on). */
  HttpClientResponse openStream(String session) {
    RequestOptions options = new RequestOptions().setHost("127.0.0.1").setPort(port).setMethod(HttpMethod.GET)
        .setURI("/mcp").addHeader("accept", "text/event-stream").addHeader(McpEndpoint.SESSION_HEADER, session);
    return RawClient.await(client.request(options).compose(req -> req.send()));
  }

  Answer post(Map<String, String> extra, String body) {
    Map<String, String> headers = new LinkedHashMap<>(JSON_HEADERS);
    headers.putAll(extra);
    return send(HttpMethod.POST, headers, body);
  }

  Answer initialize(Map<String, String> extra, String version) {
    return post(extra, "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\""
        + version + "\",\"capabilities\":{},\"clientInfo\":{\"name\":\"java-test\",\"version\":\"1\"}}}");
  }

  /** Initializes and sends notifications/initialized. @return the session id */
  String open() {
    Answer a = initialize(Map.of(), "2025-11-25");
    if (a.status() != 200) {
      throw new AssertionError("initialize answered " + a.status() + ": " + a.body());
    }
    String session = a.headers().get(McpEndpoint.SESSION_HEADER);
    Answer n = post(Map.of(McpEndpoint.SESSION_HEADER, session),
        "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
    if (n.status() != 202) {
      throw new AssertionError("notifications/initialized answered " + n.status());
    }
    return session;
  }

  Answer call(String session, int id, String method, String params) {
    return post(Map.of(McpEndpoint.SESSION_HEADER, session, McpEndpoint.VERSION_HEADER, "2025-11-25"),
        "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"" + method + "\",\"params\":" + params + "}");
  }

  Answer tool(String session, int id, String name, String arguments) {
    return call(session, id, "tools/call", "{\"name\":\"" + name + "\",\"arguments\":" + arguments + "}");
  }

  @Override
  public void close() {
    client.close();
  }
}
