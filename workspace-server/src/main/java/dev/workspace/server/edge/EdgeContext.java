package dev.workspace.server.edge;

import dev.workspace.model.FrameCodec;
import dev.workspace.server.ServerOptions;
import dev.workspace.server.core.WorkspaceCore;

/** What a connection needs from the event loop that owns it and from the node. */
interface EdgeContext {
  ServerOptions options();

  FrameCodec codec();

  WorkspaceCore core();

  ServerMetrics metrics();

  Authenticator authenticator();

  /** Forgets a closed connection. */
  void forget(Connection connection);
}
