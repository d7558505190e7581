package dev.evertone.sdp;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * One m= section (RFC 8866 5.14) with its {@code i=}, {@code c=}, {@code b=}, {@code k=} and {@code
 * a=} lines. Immutable; the {@code with...} methods and {@link #toBuilder()} return changed copies,
 * so that a B2BUA can rewrite the address, port or codecs of a received offer and keep everything
 * else, unknown attributes included.
 *
 * @param media {@code audio}, {@code video}, {@code application}, ... as written
 * @param port the transport port; 0 marks a rejected or disabled stream (RFC 3264 6, 8.2)
 * @param portCount the number of consecutive ports ({@code 5004/2}), 1 when not written
 * @param proto the transport protocol: {@code RTP/AVP}, {@code RTP/SAVP}, {@code RTP/SAVPF}, {@code
 *     UDP/TLS/RTP/SAVPF}, {@code UDP/DTLS/SCTP}, ...
 * @param formats the media formats in order of preference (payload type numbers for RTP)
 * @param info the {@code i=} title, or null
 * @param connections the {@code c=} lines of this section (usually none or one)
 * @param bandwidths the {@code b=} lines
 * @param key the obsolete {@code k=} line, kept if present, or null
 * @param attributes every {@code a=} line in order, known or not
 * @param otherLines lines of a type this codec does not know ({@code x=...}), kept as written
 */
public record MediaDescription(
    String media,
    int port,
    int portCount,
    String proto,
    List<String> formats,
    @Nullable String info,
    List<Connection> connections,
    List<Bandwidth> bandwidths,
    @Nullable String key,
    List<Attribute> attributes,
    List<String> otherLines)
    implements Attributed {

  private static final List<String> DIRECTIONS =
      List.of("sendrecv", "sendonly", "recvonly", "inactive");

  public MediaDescription {
    Fields.token("m= media type", media);
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("m= port must be from 0 to 65535, was " + port);
    }
    if (portCount < 1) {
      throw new IllegalArgumentException("m= port count must be positive, was " + portCount);
    }
    Fields.token("m= protocol", proto);
    formats = List.copyOf(formats);
    formats.forEach(f -> Fields.token("m= format", f));
    if (info != null) {
      info = Fields.text("i=", info);
    }
    connections = List.copyOf(connections);
    bandwidths = List.copyOf(bandwidths);
    if (key != null) {
      key = Fields.text("k=", key);
    }
    attributes = List.copyOf(attributes);
    otherLines = OtherLines.check(otherLines);
  }

  /** A builder for a new m= section. */
  public static Builder builder(String media, int port, String proto) {
    return new Builder(media, port, proto);
  }

  /** A builder holding this section's values. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** The first {@code c=} line of this section, or null (then the session's applies). */
  public @Nullable Connection connection() {
    return connections.isEmpty() ? null : connections.get(0);
  }

  /** Whether the port is 0: a rejected stream in an answer, a disabled one in an offer. */
  public boolean isRejected() {
    return port == 0;
  }

  /** Whether the protocol is RTP-based (formats are payload type numbers, RFC 8866 5.14). */
  public boolean isRtp() {
    return proto.toUpperCase(Locale.ROOT).contains("RTP/");
  }

  /** Every {@code a=rtpmap}, in order. */
  public List<RtpMap> rtpMaps() {
    return TypedAttributes.typed(this, "rtpmap", RtpMap::parse);
  }

  /**
   * The rtpmap of payload type {@code pt}: its {@code a=rtpmap}, or for a static payload type
   * without one the RFC 3551 entry; null if neither.
   */
  public @Nullable RtpMap rtpMap(int pt) {
    for (RtpMap m : rtpMaps()) {
      if (m.payloadType() == pt) {
        return m;
      }
    }
    return Codec.staticPayloadType(pt);
  }

  /** Every {@code a=fmtp}, in order. */
  public List<Fmtp> fmtps() {
    return TypedAttributes.typed(this, "fmtp", Fmtp::parse);
  }

  /** The {@code a=fmtp} parameters of format {@code format}, or null. */
  public @Nullable String fmtp(String format) {
    for (Fmtp f : fmtps()) {
      if (f.format().equals(format)) {
        return f.parameters();
      }
    }
    return null;
  }

  /**
   * The codecs offered, in the order of the m= line: every numeric format with an rtpmap or a
   * static payload type, with its fmtp. Formats of neither kind are left out.
   */
  public List<Codec> codecs() {
    if (!isRtp()) {
      return List.of();
    }
    List<Codec> out = new ArrayList<>();
    for (String f : formats) {
      int pt = payloadType(f);
      RtpMap m = pt < 0 ? null : rtpMap(pt);
      if (m != null) {
        out.add(new Codec(pt, m.encoding(), m.clockRate(), m.channels(), fmtp(f)));
      }
    }
    return List.copyOf(out);
  }

  private static int payloadType(String format) {
    if (format.isEmpty() || format.length() > 3) {
      return -1;
    }
    for (int i = 0; i < format.length(); i++) {
      if (format.charAt(i) < '0' || format.charAt(i) > '9') {
        return -1;
      }
    }
    int pt = Integer.parseInt(format);
    return pt <= 127 ? pt : -1;
  }

  /** {@code a=ptime} in milliseconds (RFC 8866 6.4), or null. */
  public @Nullable Integer ptime() {
    Attribute a = attribute("ptime");
    return a == null
        ? null
        : TypedAttributes.parse(a, v -> KnownAttributes.milliseconds("ptime", v));
  }

  /** {@code a=maxptime} in milliseconds (RFC 8866 6.5), or null. */
  public @Nullable Integer maxptime() {
    Attribute a = attribute("maxptime");
    return a == null
        ? null
        : TypedAttributes.parse(a, v -> KnownAttributes.milliseconds("maxptime", v));
  }

  /** {@code a=rtcp} (RFC 3605), or null. */
  public @Nullable Rtcp rtcp() {
    Attribute a = attribute("rtcp");
    return a == null ? null : TypedAttributes.parse(a, Rtcp::parse);
  }

  /** Whether {@code a=rtcp-mux} is present: RTP and RTCP share the port (RFC 5761 5.1.3). */
  public boolean rtcpMux() {
    return hasAttribute("rtcp-mux");
  }

  /** {@code a=mid} (RFC 5888 4), or null. */
  public @Nullable String mid() {
    String mid = attributeValue("mid");
    return mid == null ? null : mid.strip();
  }

  /** Every {@code a=ssrc}, in order. */
  public List<Ssrc> ssrcs() {
    return TypedAttributes.typed(this, "ssrc", Ssrc::parse);
  }

  /** Every {@code a=candidate}, in order. */
  public List<Candidate> candidates() {
    return TypedAttributes.typed(this, "candidate", Candidate::parse);
  }

  /** A copy with another port. */
  public MediaDescription withPort(int newPort) {
    return toBuilder().port(newPort).build();
  }

  /** A copy whose only {@code c=} line is {@code connection} (none when null). */
  public MediaDescription withConnection(@Nullable Connection connection) {
    return toBuilder().connections(connection == null ? List.of() : List.of(connection)).build();
  }

  /** A copy with other formats. */
  public MediaDescription withFormats(List<String> newFormats) {
    return toBuilder().formats(newFormats).build();
  }

  /** A copy with other attributes. */
  public MediaDescription withAttributes(List<Attribute> newAttributes) {
    return toBuilder().attributes(newAttributes).build();
  }

  /**
   * A copy in which {@code attribute} replaces every attribute of the same name, at the place of
   * the first; appended when there was none.
   */
  public MediaDescription withAttribute(Attribute attribute) {
    return withAttributes(AttributeEdits.set(attributes, attribute));
  }

  /** A copy without the attributes named {@code name}. */
  public MediaDescription withoutAttribute(String name) {
    return withAttributes(AttributeEdits.remove(attributes, List.of(name)));
  }

  /** A copy whose only direction attribute is {@code direction}, where the first one was. */
  public MediaDescription withDirection(Direction direction) {
    return withAttributes(AttributeEdits.replace(attributes, DIRECTIONS, direction.attribute()));
  }

  /**
   * A copy offering exactly {@code codecs}, in that order: the format list and the rtpmap and fmtp
   * lines are rewritten (an rtpmap is written for static payload types too), the other attributes
   * stay where they were.
   */
  public MediaDescription withCodecs(List<Codec> codecs) {
    List<Attribute> codecLines = new ArrayList<>();
    List<String> pts = new ArrayList<>();
    for (Codec c : codecs) {
      pts.add(Integer.toString(c.payloadType()));
      codecLines.add(c.rtpMap().attribute());
      String fmtp = c.fmtp();
      if (fmtp != null && !fmtp.isEmpty()) {
        codecLines.add(new Fmtp(Integer.toString(c.payloadType()), fmtp).attribute());
      }
    }
    List<Attribute> attrs =
        AttributeEdits.replaceAll(attributes, List.of("rtpmap", "fmtp"), codecLines);
    return toBuilder().formats(pts).attributes(attrs).build();
  }

  /** A mutable builder of {@link MediaDescription}. */
  public static final class Builder {
    private String media;
    private int port;
    private int portCount = 1;
    private String proto;
    private List<String> formats = new ArrayList<>();
    private @Nullable String info;
    private List<Connection> connections = new ArrayList<>();
    private List<Bandwidth> bandwidths = new ArrayList<>();
    private @Nullable String key;
    private List<Attribute> attributes = new ArrayList<>();
    private List<String> otherLines = new ArrayList<>();

    Builder(String media, int port, String proto) {
      this.media = media;
      this.port = port;
      this.proto = proto;
    }

    Builder(MediaDescription m) {
      this(m.media, m.port, m.proto);
      portCount = m.portCount;
      formats = new ArrayList<>(m.formats);
      info = m.info;
      connections = new ArrayList<>(m.connections);
      bandwidths = new ArrayList<>(m.bandwidths);
      key = m.key;
      attributes = new ArrayList<>(m.attributes);
      otherLines = new ArrayList<>(m.otherLines);
    }

    public Builder media(String value) {
      media = value;
      return this;
    }

    public Builder port(int value) {
      port = value;
      return this;
    }

    public Builder portCount(int value) {
      portCount = value;
      return this;
    }

    public Builder proto(String value) {
      proto = value;
      return this;
    }

    public Builder formats(List<String> value) {
      formats = new ArrayList<>(value);
      return this;
    }

    public Builder addFormat(String value) {
      formats.add(value);
      return this;
    }

    public Builder info(@Nullable String value) {
      info = value;
      return this;
    }

    public Builder connections(List<Connection> value) {
      connections = new ArrayList<>(value);
      return this;
    }

    public Builder addConnection(Connection value) {
      connections.add(value);
      return this;
    }

    public Builder bandwidths(List<Bandwidth> value) {
      bandwidths = new ArrayList<>(value);
      return this;
    }

    public Builder addBandwidth(Bandwidth value) {
      bandwidths.add(value);
      return this;
    }

    public Builder key(@Nullable String value) {
      key = value;
      return this;
    }

    public Builder attributes(List<Attribute> value) {
      attributes = new ArrayList<>(value);
      return this;
    }

    public Builder addAttribute(Attribute value) {
      attributes.add(value);
      return this;
    }

    public Builder otherLines(List<String> value) {
      otherLines = new ArrayList<>(value);
      return this;
    }

    public Builder addOtherLine(String value) {
      otherLines.add(value);
      return this;
    }

    int attributeCount() {
      return attributes.size();
    }

    public MediaDescription build() {
      return new MediaDescription(
          media,
          port,
          portCount,
          proto,
          formats,
          info,
          connections,
          bandwidths,
          key,
          attributes,
          otherLines);
    }
  }
}
