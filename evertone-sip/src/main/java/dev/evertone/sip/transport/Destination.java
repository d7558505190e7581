package dev.evertone.sip.transport;

import java.net.InetSocketAddress;
import org.jspecify.annotations.Nullable;

/**
 * Where to send a request: a transport and an address, and optionally the flow to send it through
 * (an existing connection, or the UDP socket a binding registered over).
 */
public record Destination(TransportType transport, InetSocketAddress address, @Nullable Flow flow) {

  public static Destination of(TransportType transport, InetSocketAddress address) {
    return new Destination(transport, address, null);
  }
}
