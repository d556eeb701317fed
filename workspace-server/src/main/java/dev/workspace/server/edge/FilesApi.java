package dev.workspace.server.edge;

import dev.workspace.model.ErrorCode;
import dev.workspace.model.ProtocolException;
import dev.workspace.server.files.FileNames;
import dev.workspace.server.files.FileOptions;
import dev.workspace.server.files.FileStore;
import dev.workspace.server.files.StoredFile;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The file routes of the REST API, authenticated as the others: {@code POST /api/files} streams a raw body (name
 * in {@code X-File-Name} or {@code ?name=}, type in {@code Content-Type}) or the first file part of a
 * {@code multipart/form-data} body into the {@link FileStore} and answers {@code 201} with the stored file;
 * {@code GET}, {@code HEAD} and {@code DELETE /api/files/{file_id}} read, describe and delete it. A file the
 * caller may not read is answered exactly as one that does not exist: {@code 404 not_found}.
 */
public final class FilesApi {
  private static final Logger LOG = LoggerFactory.getLogger(FilesApi.class);
  private static final String PATH = "/api/files";

  private final FileStore store;
  private final FileOptions options;
  private final ServerMetrics metrics;

  /**
   * @param store the node's file store
   * @param options the size limits
   * @param metrics the node's metrics
   */
  public FilesApi(FileStore store, FileOptions options, ServerMetrics metrics) {
    this.store = store;
    this.options = new FileOptions(options);
    this.metrics = metrics;
  }

  /**
   * Holds back the body of an upload while the request is authenticated, and, when an upload is answered before its
   * body was read (refused), reads the rest away so the client sees the answer; a client that keeps sending past
   * another file's worth of bytes has its connection closed. Mount before authentication.
   *
   * @param router the REST router
   */
  public void beforeAuthentication(Router router) {
    router.post(PATH).handler(ctx -> {
      HttpServerRequest req = ctx.request();
      req.pause();
      ctx.addHeadersEndHandler(v -> {
        if (!req.isEnded()) {
          ctx.response().putHeader(HttpHeaders.CONNECTION, "close");
        }
      });
      ctx.addEndHandler(ended -> {
        if (ended.succeeded()) {
          discardRest(req);
        }
      });
      ctx.next();
    });
  }

  private void discardRest(HttpServerRequest req) {
    if (req.isEnded()) {
      return;
    }
    long[] discarded = new long[1];
    req.handler(b -> {
      discarded[0] += b.length();
      if (discarded[0] > options.getMaxFileSize() && req.connection() != null) {
        req.connection().close();
      }
    });
    req.exceptionHandler(x -> { });
    req.endHandler(v -> { });
    req.resume();
  }

  /**
   * Mounts the file routes; after authentication.
   *
   * @param router the REST router
   */
  public void mount(Router router) {
    router.post(PATH).handler(this::upload);
    router.get(PATH + "/:id").handler(ctx -> download(ctx, true));
    router.head(PATH + "/:id").handler(ctx -> download(ctx, false));
    router.delete(PATH + "/:id").handler(this::delete);
  }

  private void upload(RoutingContext ctx) {
    HttpServerRequest req = ctx.request();
    String agent;
    String ws;
    try {
      agent = RestApi.agentOf(ctx);
      ws = RestApi.workspace(ctx);
      String length = req.getHeader(HttpHeaders.CONTENT_LENGTH);
      if (length != null && parseLength(length) > options.getMaxFileSize()) {
        throw tooLarge();
      }
    } catch (ProtocolException e) {
      ctx.fail(e);
      return;
    }
    if ("100-continue".equalsIgnoreCase(req.getHeader(HttpHeaders.EXPECT))) {
      req.response().writeContinue();
    }
    String type = req.getHeader(HttpHeaders.CONTENT_TYPE);
    Future<StoredFile> stored;
    if (type != null && type.toLowerCase(java.util.Locale.ROOT).startsWith("multipart/form-data")) {
      stored = multipart(req, ws, agent);
    } else {
      String name = req.getHeader("X-File-Name");
      if (name == null) {
        name = ctx.queryParams().get("name");
      } else {
        name = URLDecoder.decode(name.replace("+", "%2B"), StandardCharsets.UTF_8);
      }
      stored = store.put(ws, agent, FileNames.safeName(name), FileNames.mediaType(type), req);
    }
    stored.onComplete(ar -> {
      if (ar.succeeded()) {
        StoredFile f = ar.result();
        LOG.info("stored file workspace={} agent={} file={} size={}", ws, agent, f.fileId(), f.size());
        ctx.response().setStatusCode(201).putHeader(HttpHeaders.LOCATION, PATH + "/" + f.fileId())
            .putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(f.toJson().toString());
      } else if (ar.cause() instanceof ProtocolException pe) {
        if (pe.code() == ErrorCode.TOO_LARGE) {
          metrics.limitHit("file_size");
        } else if (pe.code() == ErrorCode.LIMIT_EXCEEDED) {
          metrics.limitHit("workspace_files");
        }
        LOG.info("refused upload workspace={} agent={}: {}", ws, agent, pe.getMessage());
        ctx.fail(pe);
      } else if (!req.isEnded() && req.connection() != null && !ctx.response().ended()) {
        LOG.info("upload broken off workspace={} agent={}: {}", ws, agent, ar.cause().toString());
        ctx.response().reset();
      } else {
        ctx.fail(new ProtocolException(ErrorCode.INTERNAL, "the file could not be stored"));
        LOG.error("upload failed workspace={} agent={}", ws, agent, ar.cause());
      }
    });
  }

  private Future<StoredFile> multipart(HttpServerRequest req, String ws, String agent) {
    io.vertx.core.Promise<StoredFile> result = io.vertx.core.Promise.promise();
    boolean[] taken = new boolean[1];
    req.setExpectMultipart(true);
    req.uploadHandler(upload -> {
      if (taken[0]) {
        upload.handler(b -> { });
        return;
      }
      taken[0] = true;
      store.put(ws, agent, FileNames.safeName(upload.filename()), FileNames.mediaType(upload.contentType()), upload)
          .onComplete(result);
    });
    req.exceptionHandler(result::tryFail);
    req.endHandler(v -> {
      if (!taken[0]) {
        result.tryFail(new ProtocolException(ErrorCode.INVALID_FRAME, "the multipart body has no file part"));
      }
    });
    req.resume();
    return result.future();
  }

  private void download(RoutingContext ctx, boolean body) {
    readable(ctx).onComplete(ar -> {
      if (ar.failed()) {
        ctx.fail(ar.cause());
        return;
      }
      StoredFile f = ar.result();
      HttpServerResponse res = ctx.response();
      String etag = "\"" + f.sha256() + "\"";
      res.putHeader(HttpHeaders.ETAG, etag)
          .putHeader(HttpHeaders.CACHE_CONTROL, "private, no-cache")
          .putHeader("X-Content-Type-Options", "nosniff")
          .putHeader("Content-Security-Policy", "sandbox; default-src 'none'")
          .putHeader(HttpHeaders.CONTENT_DISPOSITION, disposition(f.name()));
      if (etag.equals(ctx.request().getHeader(HttpHeaders.IF_NONE_MATCH))) {
        res.setStatusCode(304).end();
        return;
      }
      res.putHeader(HttpHeaders.CONTENT_TYPE, f.mediaType())
          .putHeader(HttpHeaders.CONTENT_LENGTH, Long.toString(f.size()));
      if (!body) {
        res.end();
        return;
      }
      store.read(f, res).onComplete(read -> {
        if (read.succeeded()) {
          res.end();
        } else {
          LOG.info("download broken off workspace={} file={}: {}", f.workspace(), f.fileId(), read.cause().toString());
          res.reset();
        }
      });
    });
  }

  private void delete(RoutingContext ctx) {
    readable(ctx).compose(f -> {
      if (!f.owner().equals(RestApi.agentOf(ctx))) {
        return Future.failedFuture(new ProtocolException(ErrorCode.FORBIDDEN,
            "only the agent that uploaded file '" + f.fileId() + "' may delete it"));
      }
      return store.delete(f);
    }).onComplete(ar -> {
      if (ar.failed()) {
        ctx.fail(ar.cause());
      } else {
        ctx.response().setStatusCode(204).end();
      }
    });
  }

  /** @return the file named in the path if the caller may read it, else a failed {@code not_found} */
  private Future<StoredFile> readable(RoutingContext ctx) {
    String agent;
    String ws;
    try {
      agent = RestApi.agentOf(ctx);
      ws = RestApi.workspace(ctx);
    } catch (ProtocolException e) {
      return Future.failedFuture(e);
    }
    String id = ctx.pathParam("id");
    ProtocolException missing = new ProtocolException(ErrorCode.NOT_FOUND, "no file '" + id + "'");
    if (!FileNames.isId(id)) {
      return Future.failedFuture(missing);
    }
    return store.find(ws, id).compose(f -> f == null ? Future.failedFuture(missing)
        : store.mayRead(f, agent).compose(ok -> ok ? Future.succeededFuture(f) : Future.failedFuture(missing)));
  }

  private ProtocolException tooLarge() {
    return new ProtocolException(ErrorCode.TOO_LARGE, "the file is larger than " + options.getMaxFileSize() + " bytes");
  }

  private static long parseLength(String value) {
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw new ProtocolException(ErrorCode.INVALID_FRAME, "Content-Length must be a number");
    }
  }

  private static String disposition(String name) {
    StringBuilder ascii = new StringBuilder();
    name.codePoints().forEach(cp -> ascii.append(cp >= 0x20 && cp < 0x7f && cp != '"' && cp != '\\' ? (char) cp : '_'));
    String encoded = URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
    return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded;
  }
}
