package dev.evertone.sdp;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A codec as an m= section offers it: the payload type with its encoding from {@code a=rtpmap} or,
 * for the static payload types of RFC 3551 table 4 and 5, from the table when no rtpmap is given,
 * and the {@code a=fmtp} parameters if any.
 *
 * @param payloadType the RTP payload type number, 0 to 127
 * @param encoding the encoding name as written
 * @param clockRate the RTP clock rate in Hz
 * @param channels the number of audio channels (1 when not written)
 * @param fmtp the format parameters, or null when there are none
 */
public record Codec(
    int payloadType, String encoding, int clockRate, int channels, @Nullable String fmtp) {

  /** Static payload types (RFC 3551 6) that phones still send without an rtpmap. */
  private static final Map<Integer, RtpMap> STATIC =
      Map.ofEntries(
          Map.entry(0, new RtpMap(0, "PCMU", 8000, 1)),
          Map.entry(3, new RtpMap(3, "GSM", 8000, 1)),
          Map.entry(4, new RtpMap(4, "G723", 8000, 1)),
          Map.entry(8, new RtpMap(8, "PCMA", 8000, 1)),
          Map.entry(9, new RtpMap(9, "G722", 8000, 1)),
          Map.entry(13, new RtpMap(13, "CN", 8000, 1)),
          Map.entry(18, new RtpMap(18, "G729", 8000, 1)),
          Map.entry(26, new RtpMap(26, "JPEG", 90000, 1)),
          Map.entry(31, new RtpMap(31, "H261", 90000, 1)),
          Map.entry(32, new RtpMap(32, "MPV", 90000, 1)),
          Map.entry(34, new RtpMap(34, "H263", 90000, 1)));

  /**
   * Encodings that travel beside a voice or video codec and cannot carry a call alone: DTMF events
   * (RFC 4733), comfort noise (RFC 3389), redundancy (RFC 2198), retransmission (RFC 4588) and FEC.
   */
  private static final Set<String> AUXILIARY =
      Set.of("telephone-event", "cn", "red", "rtx", "ulpfec", "flexfec");

  public Codec {
    RtpMap.validate(payloadType, encoding, clockRate, channels);
    if (fmtp != null) {
      fmtp = Fields.text("fmtp", fmtp).strip();
    }
  }

  /** A codec without format parameters. */
  public static Codec of(int payloadType, String encoding, int clockRate, int channels) {
    return new Codec(payloadType, encoding, clockRate, channels, null);
  }

  /** The same codec with format parameters (null for none). */
  public Codec withFmtp(@Nullable String parameters) {
    return new Codec(payloadType, encoding, clockRate, channels, parameters);
  }

  /** The same codec under another payload type number. */
  public Codec withPayloadType(int pt) {
    return new Codec(pt, encoding, clockRate, channels, fmtp);
  }

  /** The rtpmap for a static payload type of RFC 3551, or null if {@code pt} is not one. */
  public static @Nullable RtpMap staticPayloadType(int pt) {
    return STATIC.get(pt);
  }

  /** Whether this is an encoding that cannot carry a call alone (DTMF, comfort noise, RED...). */
  public boolean isAuxiliary() {
    return AUXILIARY.contains(encoding.toLowerCase(Locale.ROOT));
  }

  /** Whether this is RFC 4733 DTMF ({@code telephone-event}). */
  public boolean isTelephoneEvent() {
    return "telephone-event".equalsIgnoreCase(encoding);
  }

  /**
   * Whether {@code other} is the same codec: same encoding name (ignoring case, RFC 4855 3), clock
   * rate and channel count, whatever its payload type number.
   */
  public boolean sameCodecAs(Codec other) {
    return encoding.equalsIgnoreCase(other.encoding)
        && clockRate == other.clockRate
        && channels == other.channels;
  }

  /** The rtpmap of this codec. */
  public RtpMap rtpMap() {
    return new RtpMap(payloadType, encoding, clockRate, channels);
  }
}
