package dev.workspace.client.impl;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspace.client.FailureKind;
import dev.workspace.client.WorkspaceException;
import dev.workspace.client.WorkspaceFiles;
import dev.workspace.model.Attachment;
import dev.workspace.model.ErrorCode;
import dev.workspace.model.FrameCodec;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.streams.ReadStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.function.Function;

/** The {@link WorkspaceFiles} of an {@link AgentClientImpl}: the server's {@code /api/files} routes over HTTP. */
final class FilesImpl implements WorkspaceFiles {
  private static final String OCTETS = "application/octet-stream";
  private static final int MAX_ERROR_BODY = 64 * 1024;

  /**
   * Where and as whom to call the file routes.
   *
   * @param host the server's host
   * @param port its port
   * @param ssl whether to use TLS
   * @param agentId the agent, sent as {@code X-Agent-Id} when known
   * @param workspace the workspace
   * @param token the bearer token, or {@code null}
   */
  record Endpoint(String host, int port, boolean ssl, String agentId, String workspace, String token) {
  }

  private final Vertx vertx;
  private final java.util.function.Supplier<Endpoint> endpoint;
  private HttpClient http;

  FilesImpl(Vertx vertx, java.util.function.Supplier<Endpoint> endpoint) {
    this.vertx = vertx;
    this.endpoint = endpoint;
  }

  private synchronized HttpClient http() {
    if (http == null) {
      http = vertx.createHttpClient();
    }
    return http;
  }

  synchronized Future<Void> close() {
    return http == null ? Future.succeededFuture() : http.close();
  }

  @Override
  public Future<Attachment> upload(Path file, String name, String mediaType) {
    Objects.requireNonNull(file, "file");
    String n = name != null ? name : file.getFileName() == null ? "file" : file.getFileName().toString();
    String what = "upload of " + n;
    return vertx.fileSystem().props(file.toString())
        .recover(e -> Future.failedFuture(new WorkspaceException(FailureKind.INVALID,
            what + " failed: cannot read " + file + ": " + e.getMessage())))
        .compose(props -> vertx.fileSystem().open(file.toString(), new OpenOptions().setRead(true).setWrite(false))
            .compose(in -> send(what, HttpMethod.POST, "", req -> {
              headers(req, n, mediaType).putHeader("Content-Length", Long.toString(props.size()));
              return req.send(in);
            }).eventually(in::close)))
        .compose(FilesImpl::attachment);
  }

  @Override
  public Future<Attachment> upload(Buffer bytes, String name, String mediaType) {
    Objects.requireNonNull(bytes, "bytes");
    return send("upload of " + name, HttpMethod.POST, "", req -> headers(req, name, mediaType).send(bytes))
        .compose(FilesImpl::attachment);
  }

  @Override
  public Future<Attachment> upload(ReadStream<Buffer> body, String name, String mediaType) {
    Objects.requireNonNull(body, "body");
    body.pause();
    return send("upload of " + name, HttpMethod.POST, "", req -> headers(req, name, mediaType).send(body))
        .compose(FilesImpl::attachment);
  }

  private static HttpClientRequest headers(HttpClientRequest req, String name, String mediaType) {
    Objects.requireNonNull(name, "name");
    return req.putHeader("X-File-Name", URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20"))
        .putHeader("Content-Type", mediaType == null ? OCTETS : mediaType);
  }

  @Override
  public Future<Void> download(Attachment attachment, Path target) {
    Objects.requireNonNull(target, "target");
    String what = "download of " + Objects.requireNonNull(attachment, "attachment").fileId();
    return send(what, HttpMethod.GET, "/" + attachment.fileId(), HttpClientRequest::send).compose(res ->
        vertx.fileSystem().open(target.toString(), new OpenOptions().setWrite(true).setCreate(true)
            .setTruncateExisting(true)).compose(file -> copy(res, file, attachment, what)
            .transform(ar -> file.close().transform(x -> ar.failed()
                ? vertx.fileSystem().delete(target.toString()).otherwiseEmpty()
                    .transform(y -> Future.<Void>failedFuture(ar.cause()))
                : Future.<Void>succeededFuture()))));
  }

  private static Future<Void> copy(HttpClientResponse res, AsyncFile file, Attachment attachment, String what) {
    Promise<Void> done = Promise.promise();
    MessageDigest digest = sha256();
    long[] size = new long[1];
    res.handler(buf -> {
      size[0] += buf.length();
      digest.update(buf.getBytes());
      file.write(buf).onFailure(done::tryFail);
      if (file.writeQueueFull()) {
        res.pause();
        file.drainHandler(v -> res.resume());
      }
    });
    res.exceptionHandler(e -> done.tryFail(new WorkspaceException(FailureKind.UNAVAILABLE,
        what + " broke off: " + e.getMessage())));
    res.endHandler(v -> {
      String hash = HexFormat.of().formatHex(digest.digest());
      if (attachment.size() >= 0 && attachment.size() != size[0]) {
        done.tryFail(new WorkspaceException(FailureKind.INVALID,
            what + " failed: got " + size[0] + " bytes, the attachment says " + attachment.size()));
      } else if (attachment.sha256() != null && !attachment.sha256().equalsIgnoreCase(hash)) {
        done.tryFail(new WorkspaceException(FailureKind.INVALID,
            what + " failed: the bytes do not match the attachment's sha256"));
      } else {
        done.tryComplete();
      }
    });
    res.resume();
    return done.future();
  }

  @Override
  public Future<ReadStream<Buffer>> download(Attachment attachment) {
    String what = "download of " + Objects.requireNonNull(attachment, "attachment").fileId();
    return send(what, HttpMethod.GET, "/" + attachment.fileId(), HttpClientRequest::send)
        .map(res -> (ReadStream<Buffer>) res);
  }

  @Override
  public Future<Void> delete(Attachment attachment) {
    String what = "delete of " + Objects.requireNonNull(attachment, "attachment").fileId();
    return send(what, HttpMethod.DELETE, "/" + attachment.fileId(), HttpClientRequest::send).compose(res -> {
      Future<Void> end = res.end();
      res.resume();
      return end;
    });
  }

  /**
   * Sends a request to {@code /api/files<path>} and answers its response, paused, when its status is 2xx; any
   * other answer becomes a {@link WorkspaceException} from the body's error code.
   */
  private Future<HttpClientResponse> send(String what, HttpMethod method, String path,
      Function<HttpClientRequest, Future<HttpClientResponse>> body) {
    Endpoint e = endpoint.get();
    if (e == null) {
      return Future.failedFuture(new WorkspaceException(FailureKind.DISCONNECTED,
          what + " failed: the client has not connected to a server"));
    }
    String uri = "/api/files" + path + "?workspace=" + URLEncoder.encode(e.workspace(), StandardCharsets.UTF_8);
    return http().request(new RequestOptions().setMethod(method).setHost(e.host()).setPort(e.port()).setSsl(e.ssl())
            .setURI(uri))
        .compose(req -> {
          if (e.token() != null) {
            req.putHeader("Authorization", "Bearer " + e.token());
          } else if (e.agentId() != null) {
            req.putHeader("X-Agent-Id", e.agentId());
          }
          // The response is paused, or its body taken, in the request's own callback: a continuation added
          // further down the chain may run later, on another thread, after the response's data went by.
          return body.apply(req).compose(res -> {
            if (res.statusCode() / 100 == 2) {
              res.pause();
              return Future.succeededFuture(res);
            }
            return res.body().transform(ar -> Future.failedFuture(failure(what, res.statusCode(),
                ar.succeeded() && ar.result().length() <= MAX_ERROR_BODY ? ar.result().toString() : null)));
          });
        })
        .recover(x -> Future.failedFuture(x instanceof WorkspaceException ? x
            : new WorkspaceException(FailureKind.UNAVAILABLE, what + " failed: " + x.getMessage())));
  }

  private static WorkspaceException failure(String what, int status, String body) {
    ErrorCode code = null;
    String message = "HTTP " + status;
    try {
      ObjectNode o = body == null || body.isEmpty() ? null : FrameCodec.DEFAULT.parseObject(body);
      if (o != null && o.path("code").isTextual()) {
        code = ErrorCode.fromWire(o.get("code").asText());
        message = o.path("message").asText(message);
      }
    } catch (RuntimeException ignored) {
      // Not an error body of the server: the status says enough.
    }
    FailureKind kind = code != null ? FailureKind.of(code) : switch (status) {
      case 401 -> FailureKind.UNAUTHORIZED;
      case 403, 413 -> FailureKind.REJECTED;
      case 404 -> FailureKind.NOT_FOUND;
      default -> status >= 500 ? FailureKind.UNAVAILABLE : FailureKind.INVALID;
    };
    return new WorkspaceException(kind, what + " failed: " + message);
  }

  private static Future<Attachment> attachment(HttpClientResponse res) {
    Future<Buffer> body = res.body();
    res.resume();
    return body.map(b -> {
      Attachment a = Attachment.fromJson(FrameCodec.DEFAULT.parseObject(b.toString()));
      if (a == null) {
        throw new WorkspaceException(FailureKind.UNAVAILABLE, "the server answered an upload without a file_id");
      }
      return a;
    });
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
