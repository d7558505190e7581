package dev.evertone.registrar;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The address evertone sends from to reach a peer, as a Via or a Record-Route entry names it: the
 * socket's own, or for a socket bound to every address (0.0.0.0) the one the kernel would send from
 * to reach the peer (connecting a UDP socket sends nothing).
 */
final class SendingAddress {
  /**
   * The source address the kernel chose for recent peers: a call asks for it several times (its Via
   * and Record-Route on both sides), and a probe socket per question costs more than the rest of
   * the routing. Routes rarely change; an entry is probed again after a minute, and the 4,096 most
   * recent peers are kept.
   */
  private static final Map<InetAddress, Probed> SOURCES =
      Collections.synchronizedMap(
          new LinkedHashMap<InetAddress, Probed>(1024, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<InetAddress, Probed> eldest) {
              return size() > 4096;
            }
          });

  private static final long PROBE_AGAIN_NANOS = 60_000_000_000L;

  private record Probed(InetAddress source, long at) {}

  private SendingAddress() {}

  /** The address of socket {@code local} as {@code peer} sees it. */
  static InetSocketAddress towards(InetSocketAddress local, InetAddress peer) {
    if (!local.getAddress().isAnyLocalAddress()) {
      return local;
    }
    long now = System.nanoTime();
    Probed known = SOURCES.get(peer);
    InetAddress source;
    if (known != null && now - known.at() < PROBE_AGAIN_NANOS) {
      source = known.source();
    } else {
      try (DatagramSocket probe = new DatagramSocket()) {
        probe.connect(peer, 9);
        source = probe.getLocalAddress();
      } catch (SocketException e) {
        return local;
      }
      SOURCES.put(peer, new Probed(source, now));
    }
    return new InetSocketAddress(source, local.getPort());
  }
}
