package dev.evertone.sdp;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * An {@code a=rtcp} attribute (RFC 3605): the RTCP port (and address) when it is not the RTP port
 * plus one.
 *
 * @param port the RTCP port
 * @param connection the RTCP address, or null when it is the stream's connection address
 */
public record Rtcp(int port, @Nullable Connection connection) {

  public Rtcp {
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("rtcp port must be from 0 to 65535, was " + port);
    }
  }

  /** The attribute as written. */
  public Attribute attribute() {
    return Attribute.of("rtcp", connection == null ? "" + port : port + " " + connection.line());
  }

  /** Parses the value of an {@code a=rtcp} attribute. */
  public static Rtcp parse(String text) {
    List<String> t = Fields.tokens(text);
    if (t.size() != 1 && t.size() != 4) {
      throw new IllegalArgumentException(
          "expected '<port> [IN IP4|IP6 <address>]', e.g. '15797 IN IP4 192.0.2.2'");
    }
    int port = Fields.port("the RTCP port", t.get(0));
    return new Rtcp(port, t.size() == 1 ? null : new Connection(t.get(1), t.get(2), t.get(3)));
  }
}
