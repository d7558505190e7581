package dev.evertone.stun;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import org.jspecify.annotations.Nullable;

/** The addresses of this host as the kernel chooses them. */
public final class LocalAddresses {
  private LocalAddresses() {}

  /**
   * The address the kernel sends from towards {@code peer} (connecting a UDP socket sends nothing);
   * null if unroutable.
   */
  public static @Nullable InetAddress sourceTowards(InetAddress peer) {
    try (DatagramSocket probe = new DatagramSocket()) {
      probe.connect(peer, 9);
      return probe.getLocalAddress();
    } catch (IOException e) {
      return null;
    }
  }
}
