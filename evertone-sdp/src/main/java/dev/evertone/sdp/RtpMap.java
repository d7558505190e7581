package dev.evertone.sdp;

import java.util.List;

/**
 * An {@code a=rtpmap} attribute (RFC 8866 6.6): which encoding a payload type number stands for,
 * e.g. {@code 96 opus/48000/2}.
 *
 * @param payloadType the RTP payload type, 0 to 127
 * @param encoding the encoding name as written ({@code PCMU}, {@code opus}, {@code
 *     telephone-event}); compare it ignoring case
 * @param clockRate the RTP clock rate in Hz
 * @param channels the number of audio channels, 1 when not written
 */
public record RtpMap(int payloadType, String encoding, int clockRate, int channels) {

  public RtpMap {
    validate(payloadType, encoding, clockRate, channels);
  }

  static void validate(int payloadType, String encoding, int clockRate, int channels) {
    if (payloadType < 0 || payloadType > 127) {
      throw new IllegalArgumentException("payload type must be from 0 to 127, was " + payloadType);
    }
    Fields.token("encoding name", encoding);
    if (encoding.indexOf('/') >= 0) {
      throw new IllegalArgumentException("encoding name must not contain '/'");
    }
    if (clockRate < 1) {
      throw new IllegalArgumentException("clock rate must be positive, was " + clockRate);
    }
    if (channels < 1) {
      throw new IllegalArgumentException("channels must be positive, was " + channels);
    }
  }

  /** The attribute value: {@code 96 opus/48000/2}; the channel count only when it is not 1. */
  public String value() {
    return payloadType + " " + encoding + "/" + clockRate + (channels == 1 ? "" : "/" + channels);
  }

  /** The attribute as written. */
  public Attribute attribute() {
    return Attribute.of("rtpmap", value());
  }

  /** Parses the value of an {@code a=rtpmap} attribute. */
  public static RtpMap parse(String value) {
    List<String> t = Fields.tokens(value);
    if (t.size() != 2) {
      throw invalid(value);
    }
    String[] parts = slashParts(t.get(1));
    if (parts.length < 2 || parts.length > 3 || parts[0].isEmpty()) {
      throw invalid(value);
    }
    try {
      int pt = (int) Fields.number("the payload type", t.get(0), 0, 127);
      int clock = (int) Fields.number("the clock rate", parts[1], 1, Integer.MAX_VALUE);
      int channels =
          parts.length == 3
              ? (int) Fields.number("the channel count", parts[2], 1, Integer.MAX_VALUE)
              : 1;
      return new RtpMap(pt, parts[0], clock, channels);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(e.getMessage() + "; " + expected(), e);
    }
  }

  private static String[] slashParts(String s) {
    int first = s.indexOf('/');
    if (first < 0) {
      return new String[] {s};
    }
    int second = s.indexOf('/', first + 1);
    if (second < 0) {
      return new String[] {s.substring(0, first), s.substring(first + 1)};
    }
    if (s.indexOf('/', second + 1) >= 0) {
      return new String[0];
    }
    return new String[] {
      s.substring(0, first), s.substring(first + 1, second), s.substring(second + 1)
    };
  }

  private static String expected() {
    return "expected '<payload type> <encoding>/<clock rate>[/<channels>]', e.g. '96 opus/48000/2'";
  }

  private static IllegalArgumentException invalid(String value) {
    return new IllegalArgumentException("\"" + value + "\" is not an rtpmap; " + expected());
  }
}
