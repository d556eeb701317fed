package dev.workspace.client.impl;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/** The servers a client may reconnect to, in turn: the one it connected to, then the other nodes it was given. */
final class ServerList {
  private final List<ServerAddress> addresses;

  private ServerList(List<ServerAddress> addresses) {
    this.addresses = addresses;
  }

  static ServerList of(ServerAddress first, List<String> others) {
    List<ServerAddress> all = new ArrayList<>();
    all.add(first);
    for (String s : others) {
      ServerAddress a = ServerAddress.parse(URI.create(s));
      if (!all.contains(a)) {
        all.add(a);
      }
    }
    return new ServerList(List.copyOf(all));
  }

  /** @return the server after {@code current}, or the first when {@code current} is the last or unknown */
  ServerAddress next(ServerAddress current) {
    int i = addresses.indexOf(current);
    return addresses.get((i + 1) % addresses.size());
  }
}
