package dev.workspace.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The servers of one benchmark run, each its own process on loopback: the workspace server, NATS (TCP and
 * WebSocket listeners), Redis for pub/sub, and for B5 a second Redis joining two workspace nodes.
 *
 * <p>The workspace nodes run with {@code --max-frames-per-second 0}: the default limit (5,000 frames per second per
 * connection) guards a node against one misbehaving client, and a benchmark publisher deliberately sends more than
 * that from one connection; NATS and Redis have no such limit, so it is off to measure the same thing on each.
 * {@code --max-subscriptions 1000} lets one B4 bystander hold 1,000 patterns. {@code --log-level warn} keeps a line
 * per connect out of the measurements; Vert.x's blocked-thread warnings still reach the log, which B6 counts.
 */
record Servers(ServerProcess workspace, int workspacePort, ServerProcess nats, int natsPort, int natsWsPort,
    ServerProcess redis, int redisPort, ServerProcess clusterRedis, int clusterRedisPort, ServerProcess nodeA,
    int nodeAPort, ServerProcess nodeB, int nodeBPort) {

  /** Flags every workspace node of the benchmark gets. */
  static final List<String> WORKSPACE_FLAGS = List.of("--host", "127.0.0.1", "--max-frames-per-second", "0",
      "--max-subscriptions", "1000", "--log-level", "warn");

  /** Where the JVM options of every workspace node are, relative to the repository: those of the launchers. */
  static final String WORKSPACE_JVM_FILE = "scripts/server-jvm.options";

  /**
   * @param root the repository
   * @return the JVM options every workspace node gets: the launchers' ({@code scripts/server-jvm.options}, one or
   *     more options a line, {@code #} starts a comment)
   * @throws IOException if the file cannot be read
   */
  static List<String> workspaceJvm(Path root) throws IOException {
    List<String> out = new ArrayList<>();
    for (String line : Files.readAllLines(root.resolve(WORKSPACE_JVM_FILE))) {
      int hash = line.indexOf('#');
      String options = (hash < 0 ? line : line.substring(0, hash)).trim();
      if (!options.isEmpty()) {
        out.addAll(List.of(options.split("\\s+")));
      }
    }
    return out;
  }

  static Servers start(Path root, Path work, List<ServerProcess> started, Path jfr) throws IOException {
    Path jar = root.resolve("workspace-server/target/workspace-server-0.1.0-SNAPSHOT.jar");
    if (!Files.exists(jar)) {
      throw new IOException("build first: " + jar + " is missing (scripts/bench builds it)");
    }
    int redisPort = ServerProcess.freePort();
    started.add(ServerProcess.start("redis", redis(redisPort), work.resolve("redis.log"), redisPort));
    ServerProcess redis = started.get(started.size() - 1);

    int natsPort = ServerProcess.freePort();
    int natsWsPort = ServerProcess.freePort();
    Path conf = work.resolve("nats.conf");
    Files.writeString(conf, "listen: \"127.0.0.1:" + natsPort + "\"\nwebsocket {\n  listen: \"127.0.0.1:" + natsWsPort
        + "\"\n  no_tls: true\n}\n");
    ServerProcess nats = ServerProcess.start("nats", List.of("nats-server", "-c", conf.toString()),
        work.resolve("nats.log"), natsPort);
    started.add(nats);

    int port = ServerProcess.freePort();
    List<String> jvm = workspaceJvm(root);
    List<String> cmd = new ArrayList<>(java(jvm));
    if (jfr != null) {
      cmd.add("-XX:StartFlightRecording=filename=" + jfr + ",settings=profile,dumponexit=true");
    }
    cmd.addAll(List.of("-jar", jar.toString(), "--port", Integer.toString(port)));
    cmd.addAll(WORKSPACE_FLAGS);
    ServerProcess workspace = ServerProcess.start("workspace", cmd, work.resolve("workspace.log"), port);
    started.add(workspace);

    int clusterRedisPort = ServerProcess.freePort();
    ServerProcess clusterRedis = ServerProcess.start("cluster redis", redis(clusterRedisPort),
        work.resolve("cluster-redis.log"), clusterRedisPort);
    started.add(clusterRedis);
    int aPort = ServerProcess.freePort();
    ServerProcess a = ServerProcess.start("node a", node(jvm, jar, aPort, clusterRedisPort, "bench-a", null),
        work.resolve("node-a.log"), aPort);
    started.add(a);
    int bPort = ServerProcess.freePort();
    ServerProcess b = ServerProcess.start("node b", node(jvm, jar, bPort, clusterRedisPort, "bench-b",
        jfr == null ? null : nodeBRecording(jfr)), work.resolve("node-b.log"), bPort);
    started.add(b);
    return new Servers(workspace, port, nats, natsPort, natsWsPort, redis, redisPort, clusterRedis,
        clusterRedisPort, a, aPort, b, bPort);
  }

  /**
   * Fresh servers for B6 alone, one of each peer's kind, so that the memory an idle connection takes is measured
   * from a server that no other scenario has grown: a workspace node (recording to {@link #idleRecording} when
   * profiled), NATS with its TCP and WebSocket listeners, and Redis.
   */
  record Idle(ServerProcess workspace, int workspacePort, ServerProcess nats, int natsPort, int natsWsPort,
      ServerProcess redis, int redisPort) {
  }

  static Idle startIdle(Path root, Path work, List<ServerProcess> started, Path jfr) throws IOException {
    Path jar = root.resolve("workspace-server/target/workspace-server-0.1.0-SNAPSHOT.jar");
    int redisPort = ServerProcess.freePort();
    ServerProcess redis = ServerProcess.start("idle redis", redis(redisPort), work.resolve("idle-redis.log"),
        redisPort);
    started.add(redis);
    int natsPort = ServerProcess.freePort();
    int natsWsPort = ServerProcess.freePort();
    Path conf = work.resolve("idle-nats.conf");
    Files.writeString(conf, "listen: \"127.0.0.1:" + natsPort + "\"\nwebsocket {\n  listen: \"127.0.0.1:"
        + natsWsPort + "\"\n  no_tls: true\n}\n");
    ServerProcess nats = ServerProcess.start("idle nats", List.of("nats-server", "-c", conf.toString()),
        work.resolve("idle-nats.log"), natsPort);
    started.add(nats);
    int port = ServerProcess.freePort();
    List<String> cmd = new ArrayList<>(java(workspaceJvm(root)));
    if (jfr != null) {
      cmd.add("-XX:StartFlightRecording=filename=" + idleRecording(jfr) + ",settings=profile,dumponexit=true");
    }
    cmd.addAll(List.of("-jar", jar.toString(), "--port", Integer.toString(port)));
    cmd.addAll(WORKSPACE_FLAGS);
    ServerProcess workspace = ServerProcess.start("idle workspace", cmd, work.resolve("idle-workspace.log"), port);
    started.add(workspace);
    return new Idle(workspace, port, nats, natsPort, natsWsPort, redis, redisPort);
  }

  /**
   * @param jfr the single node's recording
   * @return where the workspace node of B6 records
   */
  static Path idleRecording(Path jfr) {
    return jfr.resolveSibling("idle-workspace.jfr");
  }

  private static List<String> java(List<String> jvm) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvm);
    return cmd;
  }

  /**
   * @param jfr the single node's recording
   * @return where node B of the cluster records (B5's subscribers' node, whose share of the cross-node path the
   *     report profiles)
   */
  static Path nodeBRecording(Path jfr) {
    return jfr.resolveSibling("node-b.jfr");
  }

  private static List<String> node(List<String> jvm, Path jar, int port, int redisPort, String id, Path jfr) {
    List<String> cmd = new ArrayList<>(java(jvm));
    if (jfr != null) {
      cmd.add("-XX:StartFlightRecording=filename=" + jfr + ",settings=profile,dumponexit=true");
    }
    cmd.addAll(List.of("-jar", jar.toString(), "--port", Integer.toString(port), "--redis",
        "redis://127.0.0.1:" + redisPort, "--node-id", id));
    cmd.addAll(WORKSPACE_FLAGS);
    return cmd;
  }

  private static List<String> redis(int port) {
    return List.of("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1", "--save", "",
        "--appendonly", "no", "--maxclients", "15000", "--protected-mode", "no");
  }
}
