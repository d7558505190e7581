package dev.evertone.sip.transport;

import java.util.Locale;

/** The transports SIP runs over, with their Via names and default ports (RFC 3261 18, RFC 7118). */
public enum TransportType {
  UDP(false, 5060),
  TCP(true, 5060),
  TLS(true, 5061),
  WS(true, 80),
  WSS(true, 443);

  private final boolean reliable;
  private final int defaultPort;

  TransportType(boolean reliable, int defaultPort) {
    this.reliable = reliable;
    this.defaultPort = defaultPort;
  }

  /** Reliable transports make retransmission timers zero (RFC 3261 17.1.1.2, 17.2.2). */
  public boolean isReliable() {
    return reliable;
  }

  /** TLS and WSS: the connection starts with a TLS handshake and needs a server certificate. */
  public boolean isSecure() {
    return this == TLS || this == WSS;
  }

  public int defaultPort() {
    return defaultPort;
  }

  public String lowerName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
