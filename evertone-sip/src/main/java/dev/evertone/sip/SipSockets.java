package dev.evertone.sip;

import dev.evertone.sip.transport.TransportType;
import java.net.InetSocketAddress;
import org.jspecify.annotations.Nullable;

/**
 * The sockets a SIP stack listens on, as bound: a port 0 in the configuration is the one the system
 * chose. What a request evertone sends puts in its Via, Record-Route and Contact when it has no
 * flow to reuse.
 */
@FunctionalInterface
public interface SipSockets {
  /**
   * The bound socket of a transport; null when the transport is off or the stack has not started.
   */
  @Nullable InetSocketAddress of(TransportType transport);
}
