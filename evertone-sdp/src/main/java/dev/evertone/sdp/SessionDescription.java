package dev.evertone.sdp;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A whole session description (RFC 8866 5): the session-level lines and the m= sections, in order.
 * Immutable: the {@code with...} methods and {@link #toBuilder()} return changed copies. {@link
 * SdpParser} reads one, {@link #encode()} writes it back.
 *
 * <p>Where a value can be given at session level and overridden per m= section (connection,
 * direction, ICE credentials, fingerprint, setup), the methods taking a {@link MediaDescription}
 * return the value that applies to that section.
 *
 * @param origin the {@code o=} line
 * @param sessionName the {@code s=} text; {@code -} when the writer had none
 * @param info the {@code i=} line, or null
 * @param uri the {@code u=} line, or null
 * @param emails the {@code e=} lines
 * @param phones the {@code p=} lines
 * @param connection the session-level {@code c=} line, or null
 * @param bandwidths the session-level {@code b=} lines
 * @param timings the {@code t=} lines with their {@code r=} lines; {@code t=0 0} when none was
 *     given
 * @param zoneAdjustments the {@code z=} line, or null
 * @param key the obsolete {@code k=} line, or null
 * @param attributes the session-level {@code a=} lines in order, known or not
 * @param media the m= sections in order
 * @param otherLines session-level lines of a type this codec does not know, kept as written
 */
public record SessionDescription(
    Origin origin,
    String sessionName,
    @Nullable String info,
    @Nullable String uri,
    List<String> emails,
    List<String> phones,
    @Nullable Connection connection,
    List<Bandwidth> bandwidths,
    List<Timing> timings,
    @Nullable String zoneAdjustments,
    @Nullable String key,
    List<Attribute> attributes,
    List<MediaDescription> media,
    List<String> otherLines)
    implements Attributed {

  public SessionDescription {
    sessionName = Fields.text("s=", sessionName);
    if (sessionName.isBlank()) {
      sessionName = "-"; // RFC 8866 5.3: s= must not be empty
    }
    info = info == null ? null : Fields.text("i=", info);
    uri = uri == null ? null : Fields.text("u=", uri);
    emails = emails.stream().map(e -> Fields.text("e=", e)).toList();
    phones = phones.stream().map(p -> Fields.text("p=", p)).toList();
    bandwidths = List.copyOf(bandwidths);
    timings = timings.isEmpty() ? List.of(Timing.UNBOUNDED) : List.copyOf(timings);
    zoneAdjustments = zoneAdjustments == null ? null : Fields.text("z=", zoneAdjustments);
    key = key == null ? null : Fields.text("k=", key);
    attributes = List.copyOf(attributes);
    media = List.copyOf(media);
    otherLines = OtherLines.check(otherLines);
  }

  /** Parses {@code text} under the default limits. */
  public static SessionDescription parse(String text) {
    return new SdpParser(SdpLimits.DEFAULT).parse(text);
  }

  /** The description as RFC 8866 text, with CRLF line ends. */
  public String encode() {
    return SdpSerializer.serialize(this);
  }

  /** A builder for a new description with {@code origin}. */
  public static Builder builder(Origin origin) {
    return new Builder(origin);
  }

  /** A builder holding this description's values. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** The protocol version, {@code v=0}: the only one there is (RFC 8866 5.1). */
  public int version() {
    return 0;
  }

  /** The connection that applies to {@code m}: its own {@code c=}, else the session's, or null. */
  public @Nullable Connection connection(MediaDescription m) {
    Connection own = m.connection();
    return own != null ? own : connection;
  }

  /**
   * The direction of {@code m}: its own attribute, else the session-level one, else sendrecv (RFC
   * 8866 6.7).
   */
  public Direction direction(MediaDescription m) {
    Direction own = m.direction();
    if (own != null) {
      return own;
    }
    Direction session = direction();
    return session != null ? session : Direction.SENDRECV;
  }

  /** The ICE username fragment for {@code m}: its own, else the session's (RFC 8839 5.4). */
  public @Nullable String iceUfrag(MediaDescription m) {
    String own = m.iceUfrag();
    return own != null ? own : iceUfrag();
  }

  /** The ICE password for {@code m}: its own, else the session's (RFC 8839 5.4). */
  public @Nullable String icePwd(MediaDescription m) {
    String own = m.icePwd();
    return own != null ? own : icePwd();
  }

  /** The ICE options for {@code m}: its own, else the session's. */
  public List<String> iceOptions(MediaDescription m) {
    List<String> own = m.iceOptions();
    return own.isEmpty() ? iceOptions() : own;
  }

  /** The DTLS fingerprint for {@code m}: its own, else the session's (RFC 8122 5). */
  public @Nullable Fingerprint fingerprint(MediaDescription m) {
    Fingerprint own = m.fingerprint();
    return own != null ? own : fingerprint();
  }

  /** The DTLS setup role for {@code m}: its own, else the session's (RFC 4145 4). */
  public @Nullable Setup setup(MediaDescription m) {
    Setup own = m.setup();
    return own != null ? own : setup();
  }

  /** Whether {@code a=ice-lite} is present: the writer is an ICE lite agent (RFC 8445 2.5). */
  public boolean iceLite() {
    return hasAttribute("ice-lite");
  }

  /** Every {@code a=group} (RFC 5888), in order. */
  public List<Group> groups() {
    return TypedAttributes.typed(this, "group", Group::parse);
  }

  /** The first BUNDLE group (RFC 9143), or null. */
  public @Nullable Group bundle() {
    for (Group g : groups()) {
      if (g.isBundle()) {
        return g;
      }
    }
    return null;
  }

  /** The m= section tagged {@code a=mid:mid}, or null. */
  public @Nullable MediaDescription mediaByMid(String mid) {
    for (MediaDescription m : media) {
      if (mid.equals(m.mid())) {
        return m;
      }
    }
    return null;
  }

  /** A copy with another origin. */
  public SessionDescription withOrigin(Origin newOrigin) {
    return toBuilder().origin(newOrigin).build();
  }

  /**
   * A copy whose origin version is one higher: what a modified description carries (RFC 3264 8).
   */
  public SessionDescription withNextVersion() {
    return withOrigin(origin.next());
  }

  /** A copy with another session-level connection (none when null). */
  public SessionDescription withConnection(@Nullable Connection newConnection) {
    return toBuilder().connection(newConnection).build();
  }

  /** A copy with other session-level attributes. */
  public SessionDescription withAttributes(List<Attribute> newAttributes) {
    return toBuilder().attributes(newAttributes).build();
  }

  /**
   * A copy in which {@code attribute} replaces every session-level attribute of the same name, at
   * the place of the first; appended when there was none.
   */
  public SessionDescription withAttribute(Attribute attribute) {
    return withAttributes(AttributeEdits.set(attributes, attribute));
  }

  /** A copy without the session-level attributes named {@code name}. */
  public SessionDescription withoutAttribute(String name) {
    return withAttributes(AttributeEdits.remove(attributes, List.of(name)));
  }

  /** A copy with other m= sections. */
  public SessionDescription withMedia(List<MediaDescription> newMedia) {
    return toBuilder().media(newMedia).build();
  }

  /** A copy in which the m= section at {@code index} is replaced. */
  public SessionDescription withMedia(int index, MediaDescription replacement) {
    List<MediaDescription> list = new ArrayList<>(media);
    list.set(index, replacement);
    return withMedia(list);
  }

  /** A mutable builder of {@link SessionDescription}. */
  public static final class Builder {
    private Origin origin;
    private String sessionName = "-";
    private @Nullable String info;
    private @Nullable String uri;
    private List<String> emails = new ArrayList<>();
    private List<String> phones = new ArrayList<>();
    private @Nullable Connection connection;
    private List<Bandwidth> bandwidths = new ArrayList<>();
    private List<Timing> timings = new ArrayList<>();
    private @Nullable String zoneAdjustments;
    private @Nullable String key;
    private List<Attribute> attributes = new ArrayList<>();
    private List<MediaDescription> media = new ArrayList<>();
    private List<String> otherLines = new ArrayList<>();

    Builder(Origin origin) {
      this.origin = origin;
    }

    Builder(SessionDescription s) {
      this(s.origin);
      sessionName = s.sessionName;
      info = s.info;
      uri = s.uri;
      emails = new ArrayList<>(s.emails);
      phones = new ArrayList<>(s.phones);
      connection = s.connection;
      bandwidths = new ArrayList<>(s.bandwidths);
      timings = new ArrayList<>(s.timings);
      zoneAdjustments = s.zoneAdjustments;
      key = s.key;
      attributes = new ArrayList<>(s.attributes);
      media = new ArrayList<>(s.media);
      otherLines = new ArrayList<>(s.otherLines);
    }

    public Builder origin(Origin value) {
      origin = value;
      return this;
    }

    public Builder sessionName(String value) {
      sessionName = value;
      return this;
    }

    public Builder info(@Nullable String value) {
      info = value;
      return this;
    }

    public Builder uri(@Nullable String value) {
      uri = value;
      return this;
    }

    public Builder emails(List<String> value) {
      emails = new ArrayList<>(value);
      return this;
    }

    public Builder addEmail(String value) {
      emails.add(value);
      return this;
    }

    public Builder phones(List<String> value) {
      phones = new ArrayList<>(value);
      return this;
    }

    public Builder addPhone(String value) {
      phones.add(value);
      return this;
    }

    public Builder connection(@Nullable Connection value) {
      connection = value;
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

    public Builder timings(List<Timing> value) {
      timings = new ArrayList<>(value);
      return this;
    }

    public Builder addTiming(Timing value) {
      timings.add(value);
      return this;
    }

    public Builder zoneAdjustments(@Nullable String value) {
      zoneAdjustments = value;
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

    public Builder media(List<MediaDescription> value) {
      media = new ArrayList<>(value);
      return this;
    }

    public Builder addMedia(MediaDescription value) {
      media.add(value);
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

    public SessionDescription build() {
      return new SessionDescription(
          origin,
          sessionName,
          info,
          uri,
          emails,
          phones,
          connection,
          bandwidths,
          timings,
          zoneAdjustments,
          key,
          attributes,
          media,
          otherLines);
    }
  }
}
