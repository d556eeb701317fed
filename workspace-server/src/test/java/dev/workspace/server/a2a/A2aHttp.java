package dev.workspace.server.a2a;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspace.model.FrameCodec;
import dev.workspace.server.testing.RawClient;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Raw HTTP to the A2A face, for the statuses, headers and bodies an A2A client sees. */
final class A2aHttp implements AutoCloseable {
  /** One answer, read to its end. */
  record Answer(int status, MultiMap headers, String body) {
    ObjectNode json() {
      return FrameCodec.DEFAULT.parseObject(body);
    }

    /** @return the data of each SSE event */
    List<ObjectNode> events() {
      List<ObjectNode> out = new ArrayList<>();
      for (String line : body.split("\n")) {
        if (line.startsWith("data: ")) {
          out.add(FrameCodec.DEFAULT.parseObject(line.substring(6)));
        }
      }
      return out;
    }
  }

  private final HttpClient client;
  private final int port;
  private int ids;

  A2aHttp(Vertx vertx, int port) {
    this.client = vertx.createHttpClient();
    this.port = port;
  }

  Future<Answer> sendAsync(HttpMethod method, String uri, Map<String, String> headers, String body) {
    RequestOptions options = new RequestOptions().setHost("127.0.0.1").setPort(port).setMethod(method).setURI(uri);
    headers.forEach(options::addHeader);
    if (body != null) {
      options.addHeader("content-type", "application/json");
    }
    return client.request(options).compose(req -> (body == null ? req.send() : req.send(Buffer.buffer(body)))
        .compose((HttpClientResponse resp) -> resp.body().map(b -> new Answer(resp.statusCode(), resp.headers(),
            b.toString()))));
  }

  Answer send(HttpMethod method, String uri, Map<String, String> headers, String body) {
    return RawClient.await(sendAsync(method, uri, headers, body));
  }

  Answer get(String uri, Map<String, String> headers) {
    return send(HttpMethod.GET, uri, headers, null);
  }

  /** Opens a request whose answer streams; returns the response once its headers arrived. */
  HttpClientResponse open(String uri, Map<String, String> headers, String body) {
    RequestOptions options = new RequestOptions().setHost("127.0.0.1").setPort(port).setMethod(HttpMethod.POST)
        .setURI(uri).addHeader("content-type", "application/json").addHeader("accept", "text/event-stream");
    headers.forEach(options::addHeader);
    return RawClient.await(client.request(options).compose(req -> req.send(Buffer.buffer(body))));
  }

  /** A JSON-RPC request body. */
  String rpc(String method, String params) {
    return "{\"jsonrpc\":\"2.0\",\"id\":" + (++ids) + ",\"method\":\"" + method + "\",\"params\":" + params + "}";
  }

  Future<Answer> rpcAsync(String agent, Map<String, String> headers, String method, String params) {
    return sendAsync(HttpMethod.POST, "/a2a/" + agent, headers, rpc(method, params));
  }

  Answer rpc(String agent, Map<String, String> headers, String method, String params) {
    return RawClient.await(rpcAsync(agent, headers, method, params));
  }

  /** A v1.0 message with one text part. */
  static String message(String text, String extra) {
    return "{\"message\":{\"messageId\":\"m-" + System.nanoTime() + "\",\"role\":\"ROLE_USER\",\"parts\":[{\"text\":\""
        + text + "\"}]" + extra + "}}";
  }

  @Override
  public void close() {
    client.close();
  }
}
