package dev.evertone.sdp;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * An {@code a=candidate} attribute (RFC 8839 5.1): one ICE transport address.
 *
 * @param foundation the foundation
 * @param component 1 for RTP, 2 for RTCP
 * @param transport {@code UDP} (or {@code TCP}), as written
 * @param priority the candidate priority
 * @param address an IP address, or an mDNS host name ending in {@code .local} as browsers send
 * @param port the port
 * @param type {@code host}, {@code srflx}, {@code prflx} or {@code relay}
 * @param relatedAddress the related address (raddr), or null
 * @param relatedPort the related port, or null
 * @param extensions the name and value tokens after those, in order ({@code generation 0
 *     network-cost 999})
 */
public record Candidate(
    String foundation,
    int component,
    String transport,
    long priority,
    String address,
    int port,
    String type,
    @Nullable String relatedAddress,
    @Nullable Integer relatedPort,
    List<String> extensions) {

  public Candidate {
    Fields.token("candidate foundation", foundation);
    Fields.token("candidate transport", transport);
    Fields.token("candidate address", address);
    Fields.token("candidate type", type);
    if (component < 1 || component > 256) {
      throw new IllegalArgumentException("candidate component must be from 1 to 256");
    }
    if (priority < 0 || priority > 0xFFFF_FFFFL) {
      throw new IllegalArgumentException("candidate priority must be from 0 to 4294967295");
    }
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("candidate port must be from 0 to 65535");
    }
    extensions = List.copyOf(extensions);
    extensions.forEach(e -> Fields.token("candidate extension", e));
  }

  /** The value of extension {@code name} ({@code generation}, {@code tcptype}...), or null. */
  public @Nullable String extension(String name) {
    for (int i = 0; i + 1 < extensions.size(); i += 2) {
      if (extensions.get(i).equalsIgnoreCase(name)) {
        return extensions.get(i + 1);
      }
    }
    return null;
  }

  /** The attribute value. */
  public String value() {
    StringBuilder sb = new StringBuilder();
    sb.append(foundation).append(' ').append(component).append(' ').append(transport);
    sb.append(' ').append(priority).append(' ').append(address).append(' ').append(port);
    sb.append(" typ ").append(type);
    if (relatedAddress != null) {
      sb.append(" raddr ").append(relatedAddress);
    }
    if (relatedPort != null) {
      sb.append(" rport ").append(relatedPort);
    }
    for (String e : extensions) {
      sb.append(' ').append(e);
    }
    return sb.toString();
  }

  /** The attribute as written. */
  public Attribute attribute() {
    return Attribute.of("candidate", value());
  }

  /** Parses the value of an {@code a=candidate} attribute. */
  public static Candidate parse(String value) {
    List<String> t = Fields.tokens(value);
    if (t.size() < 8 || !"typ".equalsIgnoreCase(t.get(6))) {
      throw new IllegalArgumentException(
          "expected '<foundation> <component> <transport> <priority> <address> <port> typ <type>"
              + " [raddr <address>] [rport <port>] ...', e.g. '1 1 UDP 2113929471 192.0.2.2 15796"
              + " typ host'");
    }
    String raddr = null;
    Integer rport = null;
    List<String> ext = new ArrayList<>();
    for (int i = 8; i < t.size(); i += 2) {
      String name = t.get(i);
      String v = i + 1 < t.size() ? t.get(i + 1) : null;
      if ("raddr".equalsIgnoreCase(name) && v != null && raddr == null && ext.isEmpty()) {
        raddr = v;
      } else if ("rport".equalsIgnoreCase(name) && v != null && rport == null && ext.isEmpty()) {
        rport = Fields.port("candidate rport", v);
      } else {
        ext.add(name);
        if (v != null) {
          ext.add(v);
        }
      }
    }
    return new Candidate(
        t.get(0),
        (int) Fields.number("candidate component", t.get(1), 1, 256),
        t.get(2),
        Fields.number("candidate priority", t.get(3), 0, 0xFFFF_FFFFL),
        t.get(4),
        Fields.port("candidate port", t.get(5)),
        t.get(7),
        raddr,
        rport,
        ext);
  }
}
