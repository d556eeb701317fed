# Multi-stage image of the workspace node: build with Maven, run as a non-root user on a JRE.
#   docker build -t workspace .
#   docker run --rm -p 8700:8700 workspace            # listens on 0.0.0.0:8700 in the container
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN mvn -B -ntp -q -DskipTests package

FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 --home-dir /app workspace
WORKDIR /app
COPY --from=build /src/workspace-cli/target/workspace-cli-0.1.0-SNAPSHOT.jar /app/workspace.jar
COPY --from=build /src/workspace-cli/target/lib /app/lib
COPY scripts/server-jvm.options /app/jvm.options
USER workspace
ENV WORKSPACE_HOST=0.0.0.0 WORKSPACE_PORT=8700 WORKSPACE_LOG_FORMAT=json
EXPOSE 8700
# /ready is 503 while Redis is unreachable or the node drains; /health only says the process is up.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["java", "-cp", "/app/workspace.jar:/app/lib/*", "dev.workspace.cli.HealthCheck", "http://127.0.0.1:8700/health"]
# SIGTERM drains (see docs/PROTOCOL.md, Graceful shutdown); give it more than the drain timeout (10 s).
STOPSIGNAL SIGTERM
# The node's JVM options are those of scripts/run-server (scripts/server-jvm.options: heap at most 1 GiB, sized to
# stay near its live set); WORKSPACE_JAVA_OPTS adds to them or overrides them, e.g. -e WORKSPACE_JAVA_OPTS=-Xmx4g.
ENTRYPOINT ["sh", "-c", "exec java @/app/jvm.options $WORKSPACE_JAVA_OPTS -jar /app/workspace.jar \"$@\"", "workspace"]
CMD ["server"]
